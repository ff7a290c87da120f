//! Any text through every normaliser: no panic, the original kept, and the idempotent ones
//! idempotent.
#![no_main]

use customer360::normalize::{
    ascii_key, cross_script_key, fold, AddressNormalizer, BirthDateNormalizer, EmailNormalizer,
    GenderNormalizer, IdentifierNormalizer, NameNormalizer, Normalizer, PhoneNormalizer, Region,
};
use customer360::{Identifier, IdentifierKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let once = fold(text);
    assert_eq!(fold(&once), once, "fold is idempotent");
    let key = ascii_key(text);
    assert_eq!(ascii_key(&key), key, "ascii_key is idempotent");
    let _ = cross_script_key(text);

    assert_eq!(NameNormalizer::default().normalize(text).original, text);
    let email = EmailNormalizer::default().normalize(text);
    assert_eq!(email.original, text);
    if let Some(e) = email.value {
        let again = EmailNormalizer::default().normalize(e.canonical());
        assert_eq!(again.value.map(|v| v.canonical().to_owned()).as_deref(), Some(e.canonical()));
    }
    let phones = PhoneNormalizer::with_default_region("US".parse::<Region>().expect("region"));
    if let Some(p) = phones.normalize(text).value {
        assert_eq!(phones.normalize(p.e164()).value.map(|v| v.e164().to_owned()).as_deref(), Some(p.e164()));
    }
    let _ = BirthDateNormalizer::default().normalize(text);
    let _ = AddressNormalizer::default().normalize(text);
    let _ = GenderNormalizer.normalize(text);
    let id = Identifier::new(IdentifierKind::NationalId, text).with_issuer("IR");
    let _ = IdentifierNormalizer::default().normalize_identifier(&id);
});
