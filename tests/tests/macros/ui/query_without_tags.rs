use losant_core::query::{Query, QueryField};
use losant_core::StringEnum;

/// The fields of a schema without a tags field (as `advancedFlowQuery`).
#[derive(Debug, Clone, PartialEq, StringEnum)]
pub enum FlowField {
    #[value = "name"]
    Name,
    Other(String),
}

impl QueryField for FlowField {
    const SCHEMA: &'static str = "advancedFlowQuery";
}

fn main() {
    // Tag conditions exist only where the schema has a tags field.
    let _ = Query::<FlowField>::tag("floor", "2");
}
