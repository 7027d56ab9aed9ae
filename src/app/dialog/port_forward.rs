//! The port-forward dialog (`F` on a pod, Service or Deployment), prefilled as kubectl
//! would resolve it: the pod's container ports (for a Service, each port's `targetPort`
//! on a ready pod), the local port (the same number when it is free here, else a free
//! one) and the address, 127.0.0.1. An address other than a loopback one makes the pod
//! reachable from other machines: Enter then asks once more before sending.

use std::net::IpAddr;

use super::{DialogKey, Start, Step};
use crate::cluster::ObjectKey;
use crate::cluster::forward_target::{ForwardChoices, ForwardPlan, PortChoice};

/// The field that takes typed characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardField {
    /// The pod's port.
    Remote,
    /// The local port.
    Local,
    /// The local address.
    Address,
}

/// Asks where to forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardDialog {
    /// What is forwarded to (pod, Service, Deployment).
    pub target: ObjectKey,
    /// The pod and its ports with the suggested local ports (`None` while they load).
    pub choices: Option<Result<(ForwardChoices, Vec<u16>), String>>,
    /// The port chosen from the list, if one is.
    pub selected: Option<usize>,
    /// The pod's port, as typed.
    pub remote: String,
    /// The local port, as typed (empty: the pod's port's number if free, else any).
    pub local: String,
    /// The local address, as typed.
    pub address: String,
    /// The field keys go to.
    pub focus: ForwardField,
    /// Enter was pressed on an address other machines can reach: the next Enter sends.
    pub confirming: bool,
    local_edited: bool,
}

/// The address forwards listen on unless the user types another.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1";

impl ForwardDialog {
    /// A dialog for `target`, waiting for its ports.
    pub fn new(target: ObjectKey) -> Self {
        Self {
            target,
            choices: None,
            selected: None,
            remote: String::new(),
            local: String::new(),
            address: DEFAULT_ADDRESS.to_owned(),
            focus: ForwardField::Remote,
            confirming: false,
            local_edited: false,
        }
    }

    /// The ports arrived.
    pub fn loaded(&mut self, choices: Result<(ForwardChoices, Vec<u16>), String>) {
        self.choices = Some(choices);
        if self.ports().is_empty() {
            return;
        }
        self.choose(0);
    }

    /// The ports offered.
    pub fn ports(&self) -> &[PortChoice] {
        match &self.choices {
            Some(Ok((c, _))) => &c.ports,
            _ => &[],
        }
    }

    fn choose(&mut self, index: usize) {
        let Some(Ok((choices, locals))) = &self.choices else {
            return;
        };
        let Some(port) = choices.ports.get(index) else {
            return;
        };
        self.selected = Some(index);
        self.remote = port.remote.to_string();
        if !self.local_edited {
            self.local = locals
                .get(index)
                .map_or_else(String::new, ToString::to_string);
        }
    }

    /// The address typed, or what is wrong with it.
    fn address(&self) -> Result<IpAddr, String> {
        self.address
            .trim()
            .parse()
            .map_err(|_| format!("{:?} is not an IP address", self.address))
    }

    /// Whether the address lets other machines in (anything but loopback).
    pub fn exposed(&self) -> bool {
        self.address().is_ok_and(|a| !a.is_loopback())
    }

    /// The forward Enter would start, or what is missing.
    pub fn plan(&self) -> Result<ForwardPlan, String> {
        let (choices, _) = match &self.choices {
            None => return Err("reading the ports…".to_owned()),
            Some(Err(e)) => return Err(e.clone()),
            Some(Ok(c)) => c,
        };
        let remote: u16 = match self.remote.parse() {
            Ok(p) if p > 0 => p,
            _ if self.remote.is_empty() => return Err("type the pod's port".to_owned()),
            _ => return Err(format!("{:?} is not a port (1-65535)", self.remote)),
        };
        let local = if self.local.is_empty() {
            None
        } else {
            Some(
                self.local
                    .parse::<u16>()
                    .map_err(|_| format!("{:?} is not a port (0-65535)", self.local))?,
            )
        };
        let service_port = self
            .selected
            .and_then(|i| choices.ports.get(i))
            .filter(|p| p.remote == remote)
            .and_then(|p| p.service_port);
        Ok(ForwardPlan {
            target: self.target.clone(),
            pod: choices.pod.clone(),
            remote_port: remote,
            service_port,
            address: self.address()?,
            local_port: local,
        })
    }

    /// Applies a key: Up/Down pick a port, Tab the next field, Enter starts (asking once
    /// more for an exposed address), Esc cancels.
    pub fn key(&mut self, key: DialogKey) -> Step {
        if key != DialogKey::Enter {
            let was = self.confirming;
            self.confirming = false;
            if was && key == DialogKey::Esc {
                return Step::Stay;
            }
        }
        match key {
            DialogKey::Up | DialogKey::Down if self.focus == ForwardField::Remote => {
                let last = self.ports().len().saturating_sub(1);
                let at = self.selected.unwrap_or(0);
                let next = if key == DialogKey::Up {
                    at.saturating_sub(1)
                } else {
                    (at + 1).min(last)
                };
                self.choose(next);
            }
            DialogKey::Tab => {
                self.focus = match self.focus {
                    ForwardField::Remote => ForwardField::Local,
                    ForwardField::Local => ForwardField::Address,
                    ForwardField::Address => ForwardField::Remote,
                };
            }
            DialogKey::Char(c) => self.type_char(c),
            DialogKey::Backspace => {
                self.field().pop();
                self.edited();
            }
            DialogKey::Clear => {
                self.field().clear();
                self.edited();
            }
            DialogKey::Enter => return self.enter(),
            DialogKey::Esc => return Step::Cancel,
            _ => {}
        }
        Step::Stay
    }

    fn enter(&mut self) -> Step {
        let plan = match self.plan() {
            Ok(plan) => plan,
            Err(e) => return Step::Error(e),
        };
        if self.exposed() && !self.confirming {
            self.confirming = true;
            return Step::Stay;
        }
        Step::Start(Start::Forward(plan))
    }

    fn type_char(&mut self, c: char) {
        let accepted = match self.focus {
            ForwardField::Remote | ForwardField::Local => c.is_ascii_digit(),
            ForwardField::Address => c.is_ascii_hexdigit() || c == '.' || c == ':',
        };
        if accepted && self.field().len() < 45 {
            self.field().push(c);
            self.edited();
        }
    }

    fn field(&mut self) -> &mut String {
        match self.focus {
            ForwardField::Remote => &mut self.remote,
            ForwardField::Local => &mut self.local,
            ForwardField::Address => &mut self.address,
        }
    }

    fn edited(&mut self) {
        match self.focus {
            ForwardField::Local => self.local_edited = true,
            ForwardField::Remote => {
                // A port typed by hand: the listed choice (and its local port) no longer
                // applies; the local port follows it unless the user set one.
                if self
                    .selected
                    .and_then(|i| self.ports().get(i))
                    .is_none_or(|p| p.remote.to_string() != self.remote)
                {
                    self.selected = None;
                    if !self.local_edited {
                        self.local.clear();
                    }
                }
            }
            ForwardField::Address => {}
        }
    }
}
