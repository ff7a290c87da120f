//! Inputs the fuzzers found problems with (`fuzz/`), kept as ordinary tests.

use customer360::normalize::{NameNormalizer, Normalizer};

/// normalizers: the name normaliser's `original` was its readable join of the parts, so a name
/// of only whitespace (`"\n"`) came back with an empty original. The original must be the
/// input exactly.
#[test]
fn name_original_is_the_input_exactly() {
    for text in ["\n", "  John  Smith ", "\t", "Smith,\nJohn"] {
        assert_eq!(NameNormalizer::default().normalize(text).original, text);
    }
}
