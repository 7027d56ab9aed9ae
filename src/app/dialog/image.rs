//! The set-image and canary dialogs: pick the container (when there are several),
//! type the image (pre-filled with the current one); a canary also asks how many
//! new pods to run before pausing, or which plan of steps to follow (pre-filled from the
//! config's `default_plan`; Up/Down there cycles through the saved plans).

use jiff::Timestamp;

use super::{DialogKey, Step};
use crate::cluster::ObjectKey;
use crate::cluster::ops::canary::plan_ops::PlanStart;
use crate::cluster::ops::canary::plan_steps::{plan_text, step_pods};
use crate::cluster::ops::{CanaryPlan, Operation, Revision};
use crate::config::{CanaryChoice, CanaryConfig};

/// What a canary dialog needs to build a plan: the config's plans and gates, who this
/// kdeck is, the Deployment's replicas, and when the dialog opened (the plan is stamped
/// again when sent).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanContext {
    /// The config file's `[canary]`.
    pub settings: CanaryConfig,
    /// This kdeck in a lease.
    pub identity: String,
    /// The Deployment's replicas.
    pub replicas: i32,
    /// When the dialog opened.
    pub opened: Timestamp,
}

/// The field keys type into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageField {
    /// The image.
    Image,
    /// The canary's number of new pods, or its plan.
    NewPods,
}

/// One container of the pod template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerImage {
    /// Container name.
    pub name: String,
    /// Its image now.
    pub image: String,
}

/// Asks for a container and an image (and, for a canary, the number of new pods or a
/// plan).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageDialog {
    /// The Deployment.
    pub key: ObjectKey,
    /// A canary rather than a plain set image.
    pub canary: bool,
    /// The template's containers: `None` while the history loads, or why it failed.
    pub containers: Option<Result<Vec<ContainerImage>, String>>,
    /// The selected container.
    pub selected: usize,
    /// The image typed.
    pub image: String,
    /// Whether the user has typed in the image field: the history arriving after that
    /// must not put the running image over what they typed.
    pub image_typed: bool,
    /// The canary's new pods typed, or a saved plan's name, or a plan.
    pub new_pods: String,
    /// Where typing goes.
    pub focus: ImageField,
    /// A canary's plans and the rest a plan needs.
    pub plans: Option<Box<PlanContext>>,
}

impl ImageDialog {
    /// A dialog for `key`, waiting for the containers.
    pub fn new(key: ObjectKey, canary: bool) -> Self {
        Self {
            key,
            canary,
            containers: None,
            selected: 0,
            image: String::new(),
            image_typed: false,
            new_pods: "1".to_owned(),
            focus: ImageField::Image,
            plans: None,
        }
    }

    /// With the config's plans: the plan field starts with its `default_plan`.
    #[must_use]
    pub fn with_plans(mut self, context: PlanContext) -> Self {
        context.settings.default_plan.clone_into(&mut self.new_pods);
        self.plans = Some(Box::new(context));
        self
    }

    fn settings(&self) -> CanaryConfig {
        self.plans
            .as_ref()
            .map(|p| p.settings.clone())
            .unwrap_or_default()
    }

    /// What the plan field stands for.
    pub fn choice(&self) -> Result<CanaryChoice, String> {
        self.settings().choice(&self.new_pods)
    }

    /// The plan's steps with their new pods on the Deployment's replicas, and its gates,
    /// as the dialog lists them (`None`: a number of new pods, not a plan).
    pub fn plan_preview(&self) -> Option<Result<(String, String), String>> {
        let Ok(CanaryChoice::Plan { steps, .. }) = self.choice() else {
            return None;
        };
        let replicas = self.plans.as_ref().map_or(1, |p| p.replicas);
        let pods = match step_pods(&steps, replicas) {
            Ok(pods) => pods,
            Err(e) => return Some(Err(e)),
        };
        let steps_text = steps
            .iter()
            .zip(pods)
            .map(|(step, n)| format!("{step} ({n})"))
            .collect::<Vec<_>>()
            .join(" → ");
        let gates = self.settings().gates();
        let mut names = vec!["pods".to_owned(), "events".to_owned()];
        if let Some(logs) = &gates.logs {
            names.push(format!(
                "logs (new ≤ {}×old + {}/min)",
                logs.ratio, logs.allowance_per_minute
            ));
        }
        if let Some(command) = &gates.command {
            names.push(format!("command {command}"));
        }
        Some(Ok((steps_text, names.join(" · "))))
    }

    /// The next (or previous) choice for the plan field: the saved plans, then the
    /// default, then one new pod.
    fn cycle_plan(&mut self, forward: bool) {
        let settings = self.settings();
        let mut options: Vec<String> = settings.plans.keys().cloned().collect();
        for extra in [settings.default_plan.clone(), "1".to_owned()] {
            if !options.contains(&extra) {
                options.push(extra);
            }
        }
        let n = options.len();
        let next = match options.iter().position(|o| *o == self.new_pods) {
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
            None => 0,
        };
        self.new_pods.clone_from(&options[next]);
    }

    /// Takes the containers from the current revision of the history.
    pub fn loaded(&mut self, history: Result<Vec<Revision>, String>) {
        self.containers = Some(history.and_then(|revisions| {
            let current = revisions
                .iter()
                .find(|r| r.current)
                .or_else(|| revisions.last())
                .ok_or_else(|| format!("deployment/{} has no revision yet", self.key.name))?;
            let containers: Vec<ContainerImage> = current
                .template
                .spec
                .iter()
                .flat_map(|s| &s.containers)
                .map(|c| ContainerImage {
                    name: c.name.clone(),
                    image: c.image.clone().unwrap_or_default(),
                })
                .collect();
            if containers.is_empty() {
                return Err(format!("deployment/{} has no containers", self.key.name));
            }
            Ok(containers)
        }));
        if self.image_typed {
            self.selected = 0;
        } else {
            self.select(0);
        }
    }

    fn list(&self) -> &[ContainerImage] {
        match &self.containers {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    /// The selected container, once loaded.
    pub fn container(&self) -> Option<&ContainerImage> {
        self.list().get(self.selected)
    }

    fn select(&mut self, index: usize) {
        if let Some(c) = self.list().get(index) {
            self.image = c.image.clone();
            self.selected = index;
        }
    }

    /// The change Enter would send, or what is missing.
    pub fn operation(&self) -> Result<Operation, String> {
        let container = match &self.containers {
            None => return Err("still reading the containers…".to_owned()),
            Some(Err(e)) => return Err(e.clone()),
            Some(Ok(_)) => self
                .container()
                .ok_or_else(|| "pick a container".to_owned())?,
        };
        let image = self.image.trim();
        if image.is_empty() || image.contains(char::is_whitespace) {
            return Err(format!("type an image, e.g. nginx:1.15.7 (not {image:?})"));
        }
        if self.canary && image == container.image {
            return Err(format!(
                "a canary needs a new image: {image} is what {} runs now",
                container.name
            ));
        }
        let (key, container, image) = (self.key.clone(), container.name.clone(), image.to_owned());
        if !self.canary {
            return Ok(Operation::SetImage {
                key,
                container,
                image,
            });
        }
        match self.choice()? {
            CanaryChoice::NewPods(new_pods) => Ok(Operation::Canary(CanaryPlan::new(
                key, &container, &image, new_pods,
            ))),
            CanaryChoice::Plan { steps, .. } => {
                let Some(context) = &self.plans else {
                    return Err("plans need the config's [canary] settings".to_owned());
                };
                step_pods(&steps, context.replicas)?;
                let record = crate::app::canary_plan::new_record(
                    &context.settings,
                    &context.identity,
                    context.opened,
                    &container,
                    &image,
                    steps,
                );
                Ok(Operation::PlanStart(PlanStart::new(key, &record)))
            }
        }
    }

    /// The plan field's text as a one-line plan (for a saved plan's name: its steps).
    pub fn plan_line(&self) -> Option<String> {
        match self.choice() {
            Ok(CanaryChoice::Plan {
                name: Some(name),
                steps,
            }) => Some(format!("{name}: {}", plan_text(&steps, " → "))),
            _ => None,
        }
    }

    /// Applies a key.
    pub fn key(&mut self, key: DialogKey) -> Step {
        match (key, self.focus) {
            (DialogKey::Esc, _) => return Step::Cancel,
            (DialogKey::Enter, _) => {
                return match self.operation() {
                    Ok(m) => Step::Send(m),
                    Err(e) => Step::Error(e),
                };
            }
            (DialogKey::Up, ImageField::NewPods) => self.cycle_plan(false),
            (DialogKey::Down, ImageField::NewPods) => self.cycle_plan(true),
            (DialogKey::Up, _) => self.select(self.selected.saturating_sub(1)),
            (DialogKey::Down, _) => self.select(self.selected + 1),
            (DialogKey::Tab, _) if self.canary => {
                self.focus = match self.focus {
                    ImageField::Image => ImageField::NewPods,
                    ImageField::NewPods => ImageField::Image,
                };
            }
            (DialogKey::Char(c), ImageField::Image) => {
                self.image_typed = true;
                self.image.push(c);
            }
            (DialogKey::Backspace, ImageField::Image) => {
                self.image_typed = true;
                self.image.pop();
            }
            (DialogKey::Clear, ImageField::Image) => {
                self.image_typed = true;
                self.image.clear();
            }
            // On a number, + and - count; in a plan they are text (`->`).
            (DialogKey::Char('+'), ImageField::NewPods) if self.new_pods.parse::<u32>().is_ok() => {
                let n = self.new_pods.parse::<u32>().unwrap_or(0);
                self.new_pods = n.saturating_add(1).to_string();
            }
            (DialogKey::Char('-'), ImageField::NewPods) if self.new_pods.parse::<u32>().is_ok() => {
                let n = self.new_pods.parse::<u32>().unwrap_or(2);
                self.new_pods = n.saturating_sub(1).max(1).to_string();
            }
            (DialogKey::Char(c), ImageField::NewPods) if self.new_pods.len() < 200 => {
                self.new_pods.push(c);
            }
            (DialogKey::Backspace, ImageField::NewPods) => {
                self.new_pods.pop();
            }
            (DialogKey::Clear, ImageField::NewPods) => self.new_pods.clear(),
            _ => {}
        }
        Step::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Kind;

    fn canary_dialog(image: &str) -> ImageDialog {
        let key = ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "myapp-deploy".into(),
        };
        let mut d = ImageDialog::new(key, true);
        d.containers = Some(Ok(vec![ContainerImage {
            name: "myapp".into(),
            image: "nginx:1.24".into(),
        }]));
        d.image = image.into();
        d
    }

    #[test]
    fn a_canary_of_the_image_already_running_is_refused() {
        let err = canary_dialog(" nginx:1.24 ")
            .operation()
            .expect_err("the same image cannot be a canary");
        assert_eq!(
            err,
            "a canary needs a new image: nginx:1.24 is what myapp runs now"
        );
        assert!(matches!(
            canary_dialog("nginx:1.25").operation(),
            Ok(Operation::Canary(plan)) if plan.image == "nginx:1.25" && plan.new_pods == 1
        ));
    }

    fn with_plans(replicas: i32) -> ImageDialog {
        let mut settings = CanaryConfig::default();
        settings
            .plans
            .insert("gentle".into(), "1 pod, hold 2m; 50%, hold 5m".into());
        canary_dialog("nginx:1.25").with_plans(PlanContext {
            settings,
            identity: "bastion pid 7".into(),
            replicas,
            opened: "2026-11-30T08:30:00Z".parse().unwrap(),
        })
    }

    #[test]
    fn the_plan_field_takes_a_number_a_saved_plan_or_a_plan() {
        let mut d = with_plans(3);
        assert_eq!(d.new_pods, "1", "the default plan");
        d.focus = ImageField::NewPods;
        d.key(DialogKey::Down);
        assert_eq!(d.new_pods, "gentle");
        assert_eq!(
            d.plan_line().as_deref(),
            Some("gentle: 1 pod, hold 2m → 50%, hold 5m → 100%")
        );
        let (steps, gates) = d.plan_preview().unwrap().unwrap();
        assert_eq!(steps, "1 pod, hold 2m (1) → 50%, hold 5m (2) → 100% (3)");
        assert!(gates.starts_with("pods · events · logs"), "{gates}");
        let Ok(Operation::PlanStart(start)) = d.operation() else {
            panic!("a plan starts");
        };
        assert_eq!((start.image.as_str(), start.steps), ("nginx:1.25", 3));
        assert!(start.record.contains("\"holder\":\"bastion pid 7\""));
        // Typed: - and > are text in a plan, + and - count on a number.
        d.key(DialogKey::Clear);
        for c in "2 pods, hold 1m -> 100%".chars() {
            d.key(DialogKey::Char(c));
        }
        assert!(matches!(d.operation(), Ok(Operation::PlanStart(s)) if s.steps == 2));
        d.key(DialogKey::Clear);
        d.key(DialogKey::Char('2'));
        d.key(DialogKey::Char('+'));
        assert_eq!(d.new_pods, "3");
        // A plan that shrinks on this Deployment's replicas is refused before sending.
        let mut small = with_plans(10);
        small.new_pods = "3 pods; 10%".into();
        assert!(small.operation().unwrap_err().contains("only grows"));
    }

    #[test]
    fn what_is_typed_before_the_history_arrives_is_kept() {
        use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
        let history = || {
            Ok(vec![crate::cluster::ops::rollout_history::Revision {
                revision: 1,
                change_cause: None,
                images: vec!["nginx:1.24".into()],
                holder: "myapp-deploy-1".into(),
                current: true,
                template: PodTemplateSpec {
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "myapp".into(),
                            image: Some("nginx:1.24".into()),
                            ..Container::default()
                        }],
                        ..PodSpec::default()
                    }),
                    ..PodTemplateSpec::default()
                },
            }])
        };
        let key = || ObjectKey {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "myapp-deploy".into(),
        };
        let mut untouched = ImageDialog::new(key(), true);
        untouched.loaded(history());
        assert_eq!(
            untouched.image, "nginx:1.24",
            "prefilled with the running image"
        );
        let mut typed = ImageDialog::new(key(), true);
        typed.key(DialogKey::Clear);
        for c in "nginx:flaky".chars() {
            typed.key(DialogKey::Char(c));
        }
        typed.loaded(history());
        assert_eq!(
            typed.image, "nginx:flaky",
            "the late history does not overwrite it"
        );
        assert_eq!(typed.container().map(|c| c.name.as_str()), Some("myapp"));
    }
}
