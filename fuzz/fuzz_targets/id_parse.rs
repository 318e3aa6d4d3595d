//! Any input either fails to parse as an ID, or parses to exactly its 24 hexadecimal
//! characters in lower case, which parse (and deserialize) again to the same ID.
#![no_main]

use libfuzzer_sys::fuzz_target;
use losant_core::EventId;

fuzz_target!(|input: &str| {
    match input.parse::<EventId>() {
        Ok(id) => {
            assert_eq!(id.as_str(), input.to_ascii_lowercase());
            assert_eq!(id.as_str().parse::<EventId>().unwrap(), id);
            let json = serde_json::to_string(input).unwrap();
            assert_eq!(serde_json::from_str::<EventId>(&json).unwrap(), id);
        }
        Err(error) => {
            assert!(input.len() != 24 || !input.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(serde_json::from_str::<EventId>(&serde_json::to_string(input).unwrap()).is_err());
            // The error echoes at most 32 characters of the input (each escaped to at
            // most 10, such as `\u{10ffff}`).
            assert!(error.to_string().chars().count() <= 32 * 10 + 100);
        }
    }
});
