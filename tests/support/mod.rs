//! What the property tests share.

/// The number of cases for a property test that runs `base` of them in an ordinary
/// `cargo test`, multiplied by `CUSTOMER360_PROPTEST_SCALE` when that is set: a deep run
/// (`CUSTOMER360_PROPTEST_SCALE=40 cargo test --release`) looks for the rare inputs the usual
/// few hundred random cases meet only by chance, without slowing every CI run.
/// `PROPTEST_CASES` cannot do this: it changes proptest's default, which these tests replace;
/// it does scale the tests that keep the default, so a deep run sets both.
pub fn cases(base: u32) -> u32 {
    match std::env::var("CUSTOMER360_PROPTEST_SCALE") {
        Ok(scale) => base.saturating_mul(scale.trim().parse().unwrap_or_else(|_| {
            panic!("CUSTOMER360_PROPTEST_SCALE is {scale:?}: set it to a whole number such as 40")
        })),
        Err(_) => base,
    }
}
