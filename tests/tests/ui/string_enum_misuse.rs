use losant_core::StringEnum;

#[derive(StringEnum)]
pub struct NotAnEnum {
    value: String,
}

#[derive(StringEnum)]
pub enum NoOther {
    #[value = "on"]
    On,
}

#[derive(StringEnum)]
pub enum BadVariants {
    Missing,
    #[value = "twice"]
    First,
    #[value = "twice"]
    Second,
    #[value = 3]
    NotAString,
    Tuple(u8, u8),
    Other(String),
}

fn main() {}
