//! Interactions over channels, and the soft data attached to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ModelError;

/// The channel an interaction happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// A phone call.
    Call,
    /// A live or bot chat.
    Chat,
    /// An e-mail.
    Email,
    /// A text message.
    Sms,
    /// Social media.
    Social,
    /// A survey response.
    Survey,
    /// A web or app session.
    Web,
    /// A visit to a physical store or branch.
    Store,
    /// Any other channel.
    Other,
}

/// Who started an interaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The customer contacted the business.
    #[default]
    Inbound,
    /// The business contacted the customer.
    Outbound,
}

/// How an interaction ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The customer's need was met.
    Resolved,
    /// Not resolved; the customer may come back.
    Unresolved,
    /// Handed on to another team or level.
    Escalated,
    /// Waiting on someone.
    Pending,
    /// Something went wrong on the business's side (a failed payment, a system error).
    Error,
    /// A host-defined outcome.
    Other(String),
}

/// A contact between the customer and the business.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// The interaction's ID in its source system.
    pub id: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The channel.
    pub channel: Channel,
    /// Who started it.
    #[serde(default)]
    pub direction: Direction,
    /// Topic or reason (`billing`, `delivery delay`).
    #[serde(default)]
    pub topic: Option<String>,
    /// How it ended.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// The case or ticket it belongs to.
    #[serde(default)]
    pub case_id: Option<String>,
    /// The marketing campaign it belongs to.
    #[serde(default)]
    pub campaign: Option<String>,
    /// The agent who handled it.
    #[serde(default)]
    pub agent: Option<String>,
    /// Soft data: sentiment, mood, feedback, notes.
    #[serde(default)]
    pub soft: SoftData,
}

impl Interaction {
    /// An interaction with only the required parts.
    pub fn new(id: impl Into<String>, at: DateTime<Utc>, channel: Channel) -> Self {
        Interaction {
            id: id.into(),
            at,
            channel,
            direction: Direction::Inbound,
            topic: None,
            outcome: None,
            case_id: None,
            campaign: None,
            agent: None,
            soft: SoftData::default(),
        }
    }
}

/// The coarse polarity of a sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    /// Negative.
    Negative,
    /// Neither positive nor negative.
    Neutral,
    /// Positive.
    Positive,
    /// Both positive and negative.
    Mixed,
}

/// A sentiment score in `[-1, 1]` with its label.
///
/// The score is validated on construction and on deserialisation: NaN or out-of-range scores
/// are a [`ModelError`], never a silently wrong value.
///
/// ```
/// use customer360::{Sentiment, SentimentLabel};
/// let s = Sentiment::new(-0.6, SentimentLabel::Negative).unwrap();
/// assert_eq!(s.score(), -0.6);
/// assert!(Sentiment::new(1.5, SentimentLabel::Positive).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SentimentRepr")]
pub struct Sentiment {
    score: f32,
    label: SentimentLabel,
}

#[derive(Deserialize)]
struct SentimentRepr {
    score: f32,
    label: SentimentLabel,
}

impl TryFrom<SentimentRepr> for Sentiment {
    type Error = ModelError;
    fn try_from(r: SentimentRepr) -> Result<Self, ModelError> {
        Sentiment::new(r.score, r.label)
    }
}

impl Sentiment {
    /// A sentiment; `score` must be a finite number in `[-1, 1]`.
    pub fn new(score: f32, label: SentimentLabel) -> Result<Self, ModelError> {
        if score.is_finite() && (-1.0..=1.0).contains(&score) {
            Ok(Sentiment { score, label })
        } else {
            Err(ModelError::SentimentOutOfRange(score))
        }
    }

    /// A sentiment whose label follows from the score (below −0.25 negative, above 0.25
    /// positive, neutral between).
    pub fn from_score(score: f32) -> Result<Self, ModelError> {
        let label = if score < -0.25 {
            SentimentLabel::Negative
        } else if score > 0.25 {
            SentimentLabel::Positive
        } else {
            SentimentLabel::Neutral
        };
        Sentiment::new(score, label)
    }

    /// The score, in `[-1, 1]`.
    pub fn score(&self) -> f32 {
        self.score
    }

    /// The label.
    pub fn label(&self) -> SentimentLabel {
        self.label
    }
}

/// The customer's mood as an agent or a classifier saw it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mood {
    /// Happy or delighted.
    Happy,
    /// Satisfied.
    Satisfied,
    /// Calm, neutral.
    Neutral,
    /// Confused or unsure.
    Confused,
    /// Frustrated or annoyed.
    Frustrated,
    /// Angry.
    Angry,
    /// A host-defined mood.
    Other(String),
}

impl Mood {
    /// Whether the mood is negative (confused, frustrated, angry).
    pub fn is_negative(&self) -> bool {
        matches!(self, Mood::Confused | Mood::Frustrated | Mood::Angry)
    }
}

/// A Net Promoter Score answer, 0–10.
///
/// ```
/// use customer360::{Nps, NpsCategory};
/// assert_eq!(Nps::new(9).unwrap().category(), NpsCategory::Promoter);
/// assert!(Nps::new(11).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Nps(u8);

impl Nps {
    /// A score; must be 0–10.
    pub fn new(score: u8) -> Result<Self, ModelError> {
        if score <= 10 {
            Ok(Nps(score))
        } else {
            Err(ModelError::NpsOutOfRange(score))
        }
    }

    /// The score.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Promoter (9–10), passive (7–8) or detractor (0–6).
    pub fn category(self) -> NpsCategory {
        match self.0 {
            9..=10 => NpsCategory::Promoter,
            7..=8 => NpsCategory::Passive,
            _ => NpsCategory::Detractor,
        }
    }
}

impl TryFrom<u8> for Nps {
    type Error = ModelError;
    fn try_from(v: u8) -> Result<Self, ModelError> {
        Nps::new(v)
    }
}

impl From<Nps> for u8 {
    fn from(n: Nps) -> u8 {
        n.0
    }
}

/// The three NPS groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsCategory {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

/// A customer-satisfaction answer, 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Csat(u8);

impl Csat {
    /// A score; must be 1–5.
    pub fn new(score: u8) -> Result<Self, ModelError> {
        if (1..=5).contains(&score) {
            Ok(Csat(score))
        } else {
            Err(ModelError::CsatOutOfRange(score))
        }
    }

    /// The score.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Csat {
    type Error = ModelError;
    fn try_from(v: u8) -> Result<Self, ModelError> {
        Csat::new(v)
    }
}

impl From<Csat> for u8 {
    fn from(c: Csat) -> u8 {
        c.0
    }
}

/// Feedback the customer gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Feedback {
    /// Net Promoter Score answer.
    pub nps: Option<Nps>,
    /// Customer-satisfaction answer.
    pub csat: Option<Csat>,
    /// Free-text comment.
    pub comment: Option<String>,
}

/// A free-text note, typically by an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// When it was written.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
    /// The note.
    pub text: String,
}

/// Soft data: how the customer felt and what they said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SoftData {
    /// Sentiment.
    pub sentiment: Option<Sentiment>,
    /// Mood.
    pub mood: Option<Mood>,
    /// Feedback.
    pub feedback: Option<Feedback>,
    /// Notes.
    pub notes: Vec<Note>,
}

impl SoftData {
    /// Whether there is no soft data.
    pub fn is_empty(&self) -> bool {
        self.sentiment.is_none()
            && self.mood.is_none()
            && self.feedback.is_none()
            && self.notes.is_empty()
    }
}
