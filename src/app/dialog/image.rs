//! The set-image and canary dialogs: pick the container (when there are several),
//! type the image (pre-filled with the current one); a canary also asks how many
//! new pods to run before pausing (default 1).

use super::{DialogKey, Step};
use crate::cluster::ObjectKey;
use crate::cluster::ops::Revision;
use crate::cluster::ops::{CanaryPlan, Operation};

/// The field keys type into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageField {
    /// The image.
    Image,
    /// The canary's number of new pods.
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

/// Asks for a container and an image (and, for a canary, the number of new pods).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The canary's new pods typed.
    pub new_pods: String,
    /// Where typing goes.
    pub focus: ImageField,
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
            new_pods: "1".to_owned(),
            focus: ImageField::Image,
        }
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
        self.select(0);
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
        let new_pods = match self.new_pods.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(format!(
                    "new pods must be a number of at least 1, not {:?}",
                    self.new_pods
                ));
            }
        };
        Ok(Operation::Canary(CanaryPlan::new(
            key, &container, &image, new_pods,
        )))
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
            (DialogKey::Up, _) => self.select(self.selected.saturating_sub(1)),
            (DialogKey::Down, _) => self.select(self.selected + 1),
            (DialogKey::Tab, _) if self.canary => {
                self.focus = match self.focus {
                    ImageField::Image => ImageField::NewPods,
                    ImageField::NewPods => ImageField::Image,
                };
            }
            (DialogKey::Char(c), ImageField::Image) => self.image.push(c),
            (DialogKey::Backspace, ImageField::Image) => {
                self.image.pop();
            }
            (DialogKey::Clear, ImageField::Image) => self.image.clear(),
            (DialogKey::Char('+'), ImageField::NewPods) => {
                let n = self.new_pods.parse::<u32>().unwrap_or(0);
                self.new_pods = n.saturating_add(1).to_string();
            }
            (DialogKey::Char('-'), ImageField::NewPods) => {
                let n = self.new_pods.parse::<u32>().unwrap_or(2);
                self.new_pods = n.saturating_sub(1).max(1).to_string();
            }
            (DialogKey::Char(c), ImageField::NewPods)
                if c.is_ascii_digit() && self.new_pods.len() < 5 =>
            {
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
}
