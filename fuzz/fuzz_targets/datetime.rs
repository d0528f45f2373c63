//! Fuzz target: every date, time, zone and duration parser of `pmkb::extract::datetime`
//! never panics, and the length between two parsed moments is never negative.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pmkb::extract::datetime;

fuzz_target!(|text: &str| {
    let _ = datetime::find_duration_minutes(text);
    let _ = datetime::find_zone(text);
    let _ = datetime::find_time(text);
    let _ = datetime::find_invalid_date(text);
    let moment = datetime::parse_moment(text);
    if let Some(span) = datetime::find_span(text) {
        if let Some(end) = &span.end {
            assert!(datetime::minutes_between(&span.start, end).is_none_or(|m| m >= 0));
        }
        if let Some(m) = &moment {
            let _ = datetime::minutes_between(m, &span.start);
        }
    }
});
