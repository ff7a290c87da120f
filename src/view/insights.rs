//! The insights section: what the soft data says.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::scan::Scan;
use crate::model::{Channel, Nps, NpsCategory};

/// Which way a measure is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Getting better.
    Improving,
    /// About the same.
    Stable,
    /// Getting worse.
    Declining,
}

/// The customer's Net Promoter Score answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsInsight {
    /// The latest answer, 0–10.
    pub latest: u8,
    /// Its category.
    pub category: NpsCategory,
    /// When it was given.
    pub at: DateTime<Utc>,
    /// The answer before it.
    pub previous: Option<u8>,
    /// `latest − previous`.
    pub change: Option<i8>,
    /// Improving when `change` > 0, declining when < 0, stable when 0; `None` with one answer.
    pub trend: Option<Trend>,
    /// How many answers there are.
    pub responses: usize,
}

/// The customer's satisfaction (CSAT) answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatInsight {
    /// The latest answer, 1–5.
    pub latest: u8,
    /// When it was given.
    pub at: DateTime<Utc>,
    /// The mean of every answer, to three decimals.
    pub mean: f64,
    /// How many answers there are.
    pub responses: usize,
}

/// Sentiment scores of recent interactions against earlier ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentInsight {
    /// The mean score within the recent window, to three decimals.
    pub recent_mean: Option<f64>,
    /// Scores within the recent window.
    pub recent_count: usize,
    /// The mean score before the recent window, to three decimals.
    pub earlier_mean: Option<f64>,
    /// Scores before the recent window.
    pub earlier_count: usize,
    /// `recent_mean − earlier_mean`, to three decimals.
    pub change: Option<f64>,
    /// Improving when `change` ≥ 0.1, declining when ≤ −0.1, otherwise stable; `None` when
    /// either side has no score.
    pub trend: Option<Trend>,
    /// The latest score.
    pub latest: f64,
}

/// Inbound contacts in one hour of the day (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    /// The hour, 0–23, UTC.
    pub hour: u8,
    /// Inbound contacts in it.
    pub contacts: usize,
}

/// Inbound contacts on one weekday (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekdayCount {
    /// The weekday.
    pub weekday: Weekday,
    /// Inbound contacts on it.
    pub contacts: usize,
}

/// The insights section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Insights {
    /// NPS answers, when there is one.
    pub nps: Option<NpsInsight>,
    /// CSAT answers, when there is one.
    pub csat: Option<CsatInsight>,
    /// Sentiment scores, when there is one.
    pub sentiment: Option<SentimentInsight>,
    /// The channel of most inbound contacts; ties go to the channel contacted most recently,
    /// then to the first in channel order. `None` without inbound contacts.
    pub preferred_channel: Option<Channel>,
    /// The hours of day (UTC) of most inbound contacts, most first (ties: earlier hour
    /// first), at most [`engagement_top`](super::ViewSettings::engagement_top).
    pub active_hours: Vec<HourCount>,
    /// The weekdays of most inbound contacts, most first (ties: Monday first), at most
    /// [`engagement_top`](super::ViewSettings::engagement_top).
    pub active_weekdays: Vec<WeekdayCount>,
}

/// Round to three decimals, for stable, readable output.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

impl Insights {
    pub(super) fn build(scan: &Scan<'_>) -> Insights {
        Insights {
            nps: nps(scan),
            csat: csat(scan),
            sentiment: sentiment(scan),
            preferred_channel: preferred_channel(scan),
            active_hours: top_hours(scan),
            active_weekdays: top_weekdays(scan),
        }
    }
}

fn nps(scan: &Scan<'_>) -> Option<NpsInsight> {
    let answers: Vec<(DateTime<Utc>, Nps)> = scan
        .touches
        .iter()
        .filter_map(|t| Some((t.at(), t.interaction.soft.feedback.as_ref()?.nps?)))
        .collect();
    let &(at, nps) = answers.last()?;
    let latest = nps.get();
    let previous = answers
        .len()
        .checked_sub(2)
        .and_then(|i| answers.get(i))
        .map(|(_, p)| p.get());
    // Both are 0–10, so the difference fits an i8.
    let change = previous.map(|p| i8::try_from(i16::from(latest) - i16::from(p)).unwrap_or(0));
    Some(NpsInsight {
        latest,
        category: nps.category(),
        at,
        previous,
        change,
        trend: change.map(|c| match c {
            c if c > 0 => Trend::Improving,
            0 => Trend::Stable,
            _ => Trend::Declining,
        }),
        responses: answers.len(),
    })
}

fn csat(scan: &Scan<'_>) -> Option<CsatInsight> {
    let answers: Vec<(DateTime<Utc>, u8)> = scan
        .touches
        .iter()
        .filter_map(|t| Some((t.at(), t.interaction.soft.feedback.as_ref()?.csat?.get())))
        .collect();
    let &(at, latest) = answers.last()?;
    let scores: Vec<f64> = answers.iter().map(|&(_, s)| f64::from(s)).collect();
    Some(CsatInsight {
        latest,
        at,
        mean: round3(mean(&scores).unwrap_or_default()),
        responses: answers.len(),
    })
}

fn sentiment(scan: &Scan<'_>) -> Option<SentimentInsight> {
    let (mut recent, mut earlier) = (Vec::new(), Vec::new());
    let mut latest = None;
    for t in &scan.touches {
        if let Some(s) = t.interaction.soft.sentiment {
            let score = f64::from(s.score());
            latest = Some(score);
            if scan.is_recent(t.at()) {
                recent.push(score);
            } else {
                earlier.push(score);
            }
        }
    }
    let latest = latest?;
    let (recent_mean, earlier_mean) = (mean(&recent), mean(&earlier));
    let change = recent_mean.zip(earlier_mean).map(|(r, e)| round3(r - e));
    Some(SentimentInsight {
        recent_mean: recent_mean.map(round3),
        recent_count: recent.len(),
        earlier_mean: earlier_mean.map(round3),
        earlier_count: earlier.len(),
        change,
        trend: change.map(|c| {
            if c >= 0.1 {
                Trend::Improving
            } else if c <= -0.1 {
                Trend::Declining
            } else {
                Trend::Stable
            }
        }),
        latest: round3(latest),
    })
}

fn preferred_channel(scan: &Scan<'_>) -> Option<Channel> {
    // Per channel: (inbound contacts, position of the latest one).
    let mut counts: BTreeMap<Channel, (usize, usize)> = BTreeMap::new();
    for (i, t) in scan.touches.iter().enumerate().filter(|(_, t)| t.inbound()) {
        let entry = counts.entry(t.interaction.channel).or_insert((0, 0));
        entry.0 += 1;
        entry.1 = i;
    }
    // `max_by_key` keeps the last maximum, so iterate in reverse channel order for the first.
    counts
        .into_iter()
        .rev()
        .max_by_key(|&(_, (count, latest))| (count, latest))
        .map(|(channel, _)| channel)
}

fn top<K: Ord + Copy>(counts: BTreeMap<K, usize>, n: u32) -> Vec<(K, usize)> {
    let mut all: Vec<(K, usize)> = counts.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    all
}

fn top_hours(scan: &Scan<'_>) -> Vec<HourCount> {
    let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
    for t in scan.touches.iter().filter(|t| t.inbound()) {
        let hour = u8::try_from(t.at().hour()).unwrap_or(0);
        *counts.entry(hour).or_default() += 1;
    }
    top(counts, scan.input.settings.engagement_top)
        .into_iter()
        .map(|(hour, contacts)| HourCount { hour, contacts })
        .collect()
}

fn top_weekdays(scan: &Scan<'_>) -> Vec<WeekdayCount> {
    let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
    for t in scan.touches.iter().filter(|t| t.inbound()) {
        let day = u8::try_from(t.at().weekday().num_days_from_monday()).unwrap_or(0);
        *counts.entry(day).or_default() += 1;
    }
    top(counts, scan.input.settings.engagement_top)
        .into_iter()
        .map(|(day, contacts)| WeekdayCount {
            weekday: Weekday::try_from(day).unwrap_or(Weekday::Mon),
            contacts,
        })
        .collect()
}
