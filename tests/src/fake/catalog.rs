//! What the fake knows about the API, read from the generated crate and the spec it was
//! generated from — never a hand-written copy that could drift from the client.
//!
//! - actions, versions, methods and QPS limits: [`aliyun_live::operations::ALL`];
//! - each action's parameters (name, required, allowed values): the generated command
//!   line's argument table, whose long names are the wire names and whose value lists are
//!   the generated enums' `VALUES`;
//! - documented error codes and statuses: `StopLivePullToPushError::DOCUMENTED`;
//! - error message templates: `spec/live.yaml`'s `x-acs-errors`, compiled in (the
//!   generated `DOCUMENTED` table carries code and status only).

use std::collections::HashMap;
use std::sync::OnceLock;

use clap::CommandFactory;
use livegen_runtime::Operation;

/// The spec the generated crate comes from.
const SPEC: &str = include_str!("../../../spec/live.yaml");

/// One parameter of an action, as the service checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The wire name, e.g. `TaskId`.
    pub name: String,
    /// Whether a request without it is refused.
    pub required: bool,
    /// The accepted values, for enumerations.
    pub values: Option<Vec<String>>,
}

/// A documented error of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedError {
    /// The code, e.g. `CodeTaskNotExist`.
    pub code: &'static str,
    /// The HTTP status the service answers it with.
    pub status: u16,
    /// The message template; `%s` stands for a detail.
    pub template: String,
    /// What the documentation says the error means; the detail when none is given.
    pub description: String,
}

/// Everything the fake checks requests against.
#[derive(Debug)]
pub struct Catalog {
    params: HashMap<&'static str, Vec<Param>>,
    errors: HashMap<&'static str, Vec<DocumentedError>>,
}

/// The catalog, built once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::build)
}

impl Catalog {
    fn build() -> Catalog {
        let templates = message_templates(SPEC);
        let cli = aliyun_live::cli::Cli::command();
        let mut params = HashMap::new();
        let mut errors = HashMap::new();
        for op in aliyun_live::operations::ALL {
            let args = cli
                .find_subcommand(op.action)
                .map(|command| {
                    command
                        .get_arguments()
                        .filter(|arg| {
                            !matches!(
                                arg.get_action(),
                                clap::ArgAction::Help
                                    | clap::ArgAction::HelpShort
                                    | clap::ArgAction::HelpLong
                                    | clap::ArgAction::Version
                            )
                        })
                        .filter_map(|arg| {
                            let name = arg.get_long()?.to_owned();
                            let values: Vec<String> = arg
                                .get_possible_values()
                                .iter()
                                .map(|value| value.get_name().to_owned())
                                .collect();
                            Some(Param {
                                name,
                                required: arg.is_required_set(),
                                values: (!values.is_empty()).then_some(values),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            params.insert(op.action, args);
            let documented = documented_codes(op.action)
                .iter()
                .map(|&(code, status)| {
                    let (template, description) = templates
                        .get(&(op.action.to_owned(), code.to_owned()))
                        .cloned()
                        .unwrap_or_else(|| ("%s.".to_owned(), code.to_owned()));
                    DocumentedError {
                        code,
                        status,
                        template,
                        description,
                    }
                })
                .collect();
            errors.insert(op.action, documented);
        }
        Catalog { params, errors }
    }

    /// The operation called `action`, if the API has it.
    pub fn operation(&self, action: &str) -> Option<&'static Operation> {
        aliyun_live::operations::ALL
            .iter()
            .copied()
            .find(|op| op.action == action)
    }

    /// The parameters of `action` (empty for an unknown action).
    pub fn params(&self, action: &str) -> &[Param] {
        self.params.get(action).map_or(&[], Vec::as_slice)
    }

    /// The documented errors of `action`, in spec order.
    pub fn errors(&self, action: &str) -> &[DocumentedError] {
        self.errors.get(action).map_or(&[], Vec::as_slice)
    }

    /// The documented error `code` of `action`.
    pub fn error(&self, action: &str, code: &str) -> Option<&DocumentedError> {
        self.errors(action).iter().find(|error| error.code == code)
    }
}

/// The generated `DOCUMENTED` table of each action's error enum.
///
/// This is the one place a new operation has to be added by hand: Rust cannot list the
/// error types of `ALL` at run time. `every_operation_has_its_error_table` catches a miss.
fn documented_codes(action: &str) -> &'static [(&'static str, u16)] {
    match action {
        "StopLivePullToPush" => aliyun_live::StopLivePullToPushError::DOCUMENTED,
        _ => &[],
    }
}

/// `(action, code) → (message template, description)` from the spec's `x-acs-errors`.
fn message_templates(spec: &str) -> HashMap<(String, String), (String, String)> {
    let mut templates = HashMap::new();
    let Ok(root) = serde_yaml::from_str::<serde_yaml::Value>(spec) else {
        return templates;
    };
    let Some(paths) = root.get("paths").and_then(serde_yaml::Value::as_mapping) else {
        return templates;
    };
    for item in paths.values() {
        let Some(methods) = item.as_mapping() else {
            continue;
        };
        for operation in methods.values() {
            let action = operation
                .get("x-acs-rpc")
                .and_then(|rpc| rpc.get("action"))
                .or_else(|| operation.get("operationId"))
                .and_then(serde_yaml::Value::as_str);
            let (Some(action), Some(errors)) = (
                action,
                operation
                    .get("x-acs-errors")
                    .and_then(serde_yaml::Value::as_sequence),
            ) else {
                continue;
            };
            for error in errors {
                let code = error.get("code").and_then(serde_yaml::Value::as_str);
                let message = error.get("message").and_then(serde_yaml::Value::as_str);
                let description = error
                    .get("description")
                    .and_then(serde_yaml::Value::as_str)
                    .unwrap_or(code.unwrap_or_default());
                if let (Some(code), Some(message)) = (code, message) {
                    templates.insert(
                        (action.to_owned(), code.to_owned()),
                        (message.to_owned(), description.to_owned()),
                    );
                }
            }
        }
    }
    templates
}

/// Fills a spec message template: `%s` becomes `detail`.
pub fn fill(template: &str, detail: &str) -> String {
    template.replace("%s", detail.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_error_table() {
        for op in aliyun_live::operations::ALL {
            assert!(
                !catalog().errors(op.action).is_empty(),
                "add {}'s DOCUMENTED table to documented_codes()",
                op.action
            );
        }
    }

    #[test]
    fn every_documented_code_has_its_spec_message() {
        let templates = message_templates(SPEC);
        for op in aliyun_live::operations::ALL {
            for &(code, _) in documented_codes(op.action) {
                assert!(
                    templates.contains_key(&(op.action.to_owned(), code.to_owned())),
                    "{}: no message for {code} in spec/live.yaml",
                    op.action
                );
            }
        }
        let stopped = catalog()
            .error("StopLivePullToPush", "CodeTaskHasStopped")
            .expect("documented");
        assert_eq!(stopped.status, 400);
        assert_eq!(stopped.template, "The task has been stopped.");
    }

    #[test]
    fn parameters_come_from_the_generated_cli() {
        let params = catalog().params("StopLivePullToPush");
        let region = params.iter().find(|p| p.name == "Region").expect("Region");
        assert!(region.required);
        assert_eq!(
            region.values.as_deref(),
            Some(
                aliyun_live::Region::VALUES
                    .iter()
                    .map(|v| (*v).to_owned())
                    .collect::<Vec<_>>()
                    .as_slice()
            )
        );
        let task = params.iter().find(|p| p.name == "TaskId").expect("TaskId");
        assert!(task.required);
        assert_eq!(task.values, None);
        assert!(params.iter().all(|p| p.name != "help"));
    }

    #[test]
    fn templates_are_filled() {
        assert_eq!(fill("%s.", "Region is bad."), "Region is bad.");
        assert_eq!(fill("Task does not exist.", "x"), "Task does not exist.");
    }
}
