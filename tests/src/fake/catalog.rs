//! What the fake knows about the API: the generated metadata, never a hand-written copy
//! that could drift from the client. Each action's `Operation` (in
//! [`aliyun_live::operations::ALL`], and the ACK sample's [`aliyun_cs::operations::ALL`])
//! carries its version, path, methods, QPS limit, parameter table (name, location,
//! required, shape) and documented errors (code, status, message).

use livegen_runtime::{ErrorInfo, Operation, ParamInfo};

/// Everything the fake checks requests against.
#[derive(Debug)]
pub struct Catalog {
    products: &'static [&'static [&'static Operation]],
}

/// The catalog of the generated crate.
pub fn catalog() -> &'static Catalog {
    static CATALOG: Catalog = Catalog {
        products: &[aliyun_live::operations::ALL, aliyun_cs::operations::ALL],
    };
    &CATALOG
}

impl Catalog {
    /// The operation called `action`, if the API has it.
    pub fn operation(&self, action: &str) -> Option<&'static Operation> {
        self.products
            .iter()
            .flat_map(|ops| ops.iter().copied())
            .find(|op| op.action == action)
    }

    /// The parameters of `action` (empty for an unknown action).
    pub fn params(&self, action: &str) -> &'static [ParamInfo] {
        self.operation(action).map_or(&[], |op| op.params)
    }

    /// The documented errors of `action`, in spec order.
    pub fn errors(&self, action: &str) -> &'static [ErrorInfo] {
        self.operation(action).map_or(&[], |op| op.errors)
    }

    /// The documented error `code` of `action`.
    pub fn error(&self, action: &str, code: &str) -> Option<&'static ErrorInfo> {
        self.operation(action)?.error(code)
    }
}

/// Fills a spec message template: `%s` becomes `detail`.
pub fn fill(template: &str, detail: &str) -> String {
    template.replace("%s", detail.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_come_from_the_generated_metadata() {
        let stopped = catalog()
            .error("StopLivePullToPush", "CodeTaskHasStopped")
            .expect("documented");
        assert_eq!(stopped.http_status, 400);
        assert_eq!(stopped.message, "The task has been stopped.");
        assert_eq!(catalog().errors("StopLivePullToPush").len(), 7);
        assert!(catalog().errors("NoSuchAction").is_empty());
    }

    #[test]
    fn parameters_come_from_the_generated_metadata() {
        let params = catalog().params("StopLivePullToPush");
        let region = params.iter().find(|p| p.name == "Region").expect("Region");
        assert!(region.required);
        assert_eq!(
            region.shape,
            livegen_runtime::Shape::enumeration(aliyun_live::Region::VALUES)
        );
        let task = params.iter().find(|p| p.name == "TaskId").expect("TaskId");
        assert!(task.required);
        assert_eq!(task.shape, livegen_runtime::Shape::STRING);
    }

    #[test]
    fn templates_are_filled() {
        assert_eq!(fill("%s.", "Region is bad."), "Region is bad.");
        assert_eq!(fill("Task does not exist.", "x"), "Task does not exist.");
    }
}
