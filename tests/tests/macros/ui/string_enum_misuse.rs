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

#[derive(StringEnum)]
pub enum OtherNotText {
    #[value = "a"]
    A,
    Other(u32),
}

fn main() {}
