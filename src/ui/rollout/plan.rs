//! The rollout view's lines about a stepped canary: its steps and where it is (the hold's
//! countdown), its gates as last evaluated, and who drives it; or, once it ended, how
//! (which gate failed, with the evidence).

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::app::State;
use crate::app::canary_plan::gates::{GateFailure, GateReport, GateState};
use crate::app::canary_plan::{PlanOutcome, ago};
use crate::cluster::Health;
use crate::cluster::ops::canary::plan_annotation::{PlanPhase, PlanRecord};
use crate::cluster::ops::canary::plan_steps::{Hold, duration_text};
use crate::theme::Theme;

/// The lines the view shows about the plan of `namespace`/`name` (none without a plan).
pub fn lines(state: &State, namespace: &str, name: &str) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let key = (namespace.to_owned(), name.to_owned());
    if let Some(plan) = state.canary.tracked.get(&key) {
        let Some(record) = &plan.record else {
            let why = plan
                .problem
                .clone()
                .unwrap_or_else(|| "reading the plan…".to_owned());
            return vec![label_line(
                theme,
                "PLAN",
                vec![Span::styled(why, theme.muted_style())],
            )];
        };
        let mut out = vec![
            steps_line(state, record),
            gates_line(theme, &plan.gates, state.ascii),
        ];
        out.push(driver_line(
            state,
            record,
            plan.driving,
            plan.problem.as_deref(),
        ));
        if let Some(failure) = plan.gates.failure() {
            out.extend(evidence(theme, failure));
        }
        return out;
    }
    let Some(end) = state.canary.ended.get(&key) else {
        return Vec::new();
    };
    let at = end.at.strftime("%H:%M:%S").to_string();
    match &end.outcome {
        PlanOutcome::Completed => vec![label_line(
            theme,
            "PLAN",
            vec![Span::styled(
                format!("completed at {at}: promoted to 100% after its last hold"),
                theme.health(Health::Ok),
            )],
        )],
        PlanOutcome::Aborted(failure) => {
            let step = end.record.as_ref().map_or(0, |r| r.step + 1);
            let mut out = vec![label_line(
                theme,
                "PLAN",
                vec![Span::styled(
                    format!(
                        "aborted at {at}, step {step}: gate {} failed: {}",
                        failure.gate, failure.summary
                    ),
                    theme.error(),
                )],
            )];
            out.extend(evidence(theme, failure));
            out
        }
        PlanOutcome::EndedByUser => vec![label_line(
            theme,
            "PLAN",
            vec![Span::styled(
                format!("ended by you at {at}"),
                theme.muted_style(),
            )],
        )],
        PlanOutcome::EndedElsewhere | PlanOutcome::Gone => vec![label_line(
            theme,
            "PLAN",
            vec![Span::styled(
                format!("ended at {at} (promoted or aborted elsewhere)"),
                theme.muted_style(),
            )],
        )],
    }
}

fn label_line(theme: &Theme, label: &str, mut rest: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{label:<6}"),
        Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
    )];
    spans.append(&mut rest);
    Line::from(spans)
}

/// `PLAN ✓ 1 pod, hold 3s → ▶ 2 pods, hold 3s: holding 1s of 3s → 100%`.
fn steps_line(state: &State, record: &PlanRecord) -> Line<'static> {
    let theme = &state.theme;
    let (done, current_mark, arrow) = if state.ascii {
        ("+", ">", " -> ")
    } else {
        ("✓", "▶", " → ")
    };
    let mut spans = Vec::new();
    for (i, step) in record.steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(arrow, theme.muted_style()));
        }
        let span = match i.cmp(&record.step) {
            std::cmp::Ordering::Less => {
                Span::styled(format!("{done} {step}"), theme.health(Health::Ok))
            }
            std::cmp::Ordering::Equal => Span::styled(
                format!("{current_mark} {step}: {}", progress(state, record)),
                theme.text().add_modifier(Modifier::BOLD),
            ),
            std::cmp::Ordering::Greater => Span::styled(step.to_string(), theme.muted_style()),
        };
        spans.push(span);
    }
    label_line(theme, "PLAN", spans)
}

/// Where the current step is: scaling, holding with its countdown, or held.
fn progress(state: &State, record: &PlanRecord) -> String {
    let now = state.now;
    match record.phase {
        PlanPhase::Scaling => format!("scaling (started {} ago)", ago(now, record.step_started)),
        PlanPhase::Holding if record.held => "held: h lets it go on".to_owned(),
        PlanPhase::Holding => {
            let since = record.hold_started.unwrap_or(now);
            let elapsed = now.duration_since(since).as_secs().max(0).unsigned_abs();
            match record.current().and_then(|s| s.hold) {
                Some(Hold::Seconds(s)) => format!(
                    "holding {} of {}",
                    duration_text(elapsed.min(s)),
                    duration_text(s)
                ),
                Some(Hold::Indefinite) => "holding until h".to_owned(),
                None => "ready".to_owned(),
            }
        }
    }
}

fn gate_span(theme: &Theme, name: &str, gate: &GateState, ascii: bool) -> Option<Span<'static>> {
    let (ok, bad, wait) = if ascii {
        ("ok", "FAIL", "..")
    } else {
        ("✓", "✗", "…")
    };
    let (text, style) = match gate {
        GateState::Off => return None,
        GateState::Passing(what) => (format!("{name} {ok} {what}"), theme.health(Health::Ok)),
        GateState::Waiting(what) => (format!("{name} {wait} {what}"), theme.muted_style()),
        GateState::Unavailable(why) => (format!("{name} {why}"), theme.muted_style()),
        GateState::Failed(f) => (format!("{name} {bad} {}", f.summary), theme.error()),
    };
    Some(Span::styled(text, style))
}

fn gates_line(theme: &Theme, gates: &GateReport, ascii: bool) -> Line<'static> {
    let mut spans = Vec::new();
    for (name, gate) in [
        ("pods", &gates.pods),
        ("events", &gates.events),
        ("logs", &gates.logs),
        ("memory", &gates.memory),
        ("command", &gates.command),
    ] {
        if let Some(span) = gate_span(theme, name, gate, ascii) {
            if !spans.is_empty() {
                spans.push(Span::styled(" · ", theme.muted_style()));
            }
            spans.push(span);
        }
    }
    label_line(theme, "GATES", spans)
}

/// Who drives the plan, and the keys.
fn driver_line(
    state: &State,
    record: &PlanRecord,
    driving: bool,
    problem: Option<&str>,
) -> Line<'static> {
    let theme = &state.theme;
    let now = state.now;
    let lease = &record.lease;
    let since = lease.acquired.strftime("%H:%M:%S").to_string();
    let (text, style) = if driving {
        (
            format!("driven by this kdeck ({}) since {since}", lease.holder),
            theme.health(Health::Ok),
        )
    } else if lease.valid_at(now) {
        (
            format!(
                "driven by {} since {since} (lease renewed {} ago)",
                lease.holder,
                ago(now, lease.renewed)
            ),
            theme.health(Health::Warn),
        )
    } else {
        // A read-only session cannot take it over: it says so rather than offer a key.
        let next = if state.readonly {
            "a read-writable kdeck can continue it".to_owned()
        } else {
            format!("{} continues it", key_of(state, &Action::Canary))
        };
        (
            format!(
                "nobody drives it: the lease of {} expired {} ago; {next}",
                lease.holder,
                ago(now, lease.expires())
            ),
            theme.health(Health::Warn),
        )
    };
    let mut spans = vec![Span::styled(text, style)];
    if let Some(problem) = problem {
        spans.push(Span::styled(
            format!(" · last write: {problem}"),
            theme.error(),
        ));
    }
    if !state.readonly {
        let hints: Vec<String> = [
            (Action::Hold, "hold"),
            (Action::Promote, "promote"),
            (Action::Abort, "abort"),
        ]
        .into_iter()
        .map(|(action, what)| format!("{} {what}", key_of(state, &action)))
        .collect();
        spans.push(Span::styled(
            format!("  ({})", hints.join(" · ")),
            theme.muted_style(),
        ));
    }
    label_line(theme, "", spans)
}

fn key_of(state: &State, action: &Action) -> String {
    state
        .keymap
        .keys_of(action)
        .first()
        .map_or_else(|| action.name(), ToString::to_string)
}

fn evidence(theme: &Theme, failure: &GateFailure) -> Vec<Line<'static>> {
    failure
        .evidence
        .iter()
        .take(3)
        .map(|e| {
            label_line(
                theme,
                "",
                vec![Span::styled(format!("  {e}"), theme.muted_style())],
            )
        })
        .collect()
}
