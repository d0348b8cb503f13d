//! What the fake knows about the API: the generated metadata it was started with, never a
//! hand-written copy that could drift from the client. Each action's `Operation` (a
//! generated crate's `operations::ALL`) carries its service (version, endpoint), path,
//! methods, QPS limit, parameter table (name, location, required, shape), pagination and
//! documented errors (code, status, message).

use livegen_runtime::{ErrorInfo, Operation, ParamInfo, Service};

/// The operation tables of one product: a generated crate's `operations::ALL`.
pub type Operations = &'static [&'static Operation];

/// Everything the fake checks requests against: the operation tables it serves.
#[derive(Debug, Clone)]
pub struct Catalog {
    products: Vec<Operations>,
    service: &'static Service,
}

impl Catalog {
    /// A catalog of these products' operations; an action two products share is served
    /// by the first. `None` when there is no operation at all: a fake must know at least
    /// the service whose error envelope it answers with.
    pub fn new(products: &[Operations]) -> Option<Catalog> {
        let service = products.iter().flat_map(|ops| ops.iter()).next()?.service;
        Some(Catalog {
            products: products.to_vec(),
            service,
        })
    }

    /// The first product's service: its host and code go into error envelopes of requests
    /// that name no known action.
    pub fn service(&self) -> &'static Service {
        self.service
    }

    /// Every operation served, product by product.
    pub fn operations(&self) -> impl Iterator<Item = &'static Operation> + '_ {
        self.products.iter().flat_map(|ops| ops.iter().copied())
    }

    /// The operation called `action`, if the API has it.
    pub fn operation(&self, action: &str) -> Option<&'static Operation> {
        self.operations().find(|op| op.action == action)
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

    /// Whether any operation documents the error `code`.
    pub fn documents(&self, code: &str) -> bool {
        self.operations().any(|op| op.error(code).is_some())
    }
}

/// Fills a spec message template: `%s` becomes `detail`.
pub fn fill(template: &str, detail: &str) -> String {
    template.replace("%s", detail.trim_end_matches('.'))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Live and the ACK sample, as `livegen-tests` serves them by default.
    pub(crate) fn catalog() -> Catalog {
        Catalog::new(&[aliyun_live::operations::ALL, aliyun_cs::operations::ALL])
            .expect("Live has operations")
    }

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
    fn no_operation_is_no_catalog() {
        assert!(Catalog::new(&[]).is_none());
        assert!(Catalog::new(&[&[]]).is_none());
        assert_eq!(catalog().service().code, "live");
    }

    #[test]
    fn templates_are_filled() {
        assert_eq!(fill("%s.", "Region is bad."), "Region is bad.");
        assert_eq!(fill("Task does not exist.", "x"), "Task does not exist.");
    }
}
