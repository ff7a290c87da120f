//! Any text as a saved model: loading never panics, and a model that loads survives a round
//! trip unchanged.
#![no_main]

use customer360::MatchModel;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(model) = MatchModel::from_json(text) {
        let again = MatchModel::from_json(&model.to_json()).expect("a loaded model saves and loads");
        assert_eq!(again, model);
    }
});
