use losant_core::validate::Validate;

#[derive(Validate)]
pub enum NotAStruct {
    A,
}

#[derive(Validate)]
#[validate(crat = losant_core)]
pub struct ContainerKey {
    #[validate(lenght(max = 3))]
    pub name: String,
    #[validate(each(chars(max = 1)))]
    pub labels: Vec<String>,
    #[validate(chars(max = 1))]
    #[validate(nested)]
    pub twice: String,
    #[validate(chars(mx = 1))]
    pub bound: String,
}

#[derive(Validate)]
pub struct WrongType {
    #[validate(range(min = 1, max = 3))]
    pub name: String,
    #[validate(chars(max = 3))]
    pub count: u32,
    #[validate(listed)]
    pub kind: Option<String>,
}

fn main() {}
