//! What the field manager needs of the API's schemas: how each field is tracked. A field
//! is atomic (owned whole: scalars, `x-kubernetes-list-type: atomic` lists, structs marked
//! `+structType=atomic` such as a label selector or an owner reference), granular (a
//! struct or map whose members are tracked one by one), an associative list (items
//! tracked by their keys: containers by `name`, conditions by `type`) or a set.
//! The kinds the sim serves are described by field name and the path above it; a list
//! not named here is atomic, as lists without a list type are in the built-in schemas.

/// How a field is tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Owned whole.
    Atomic,
    /// Members tracked one by one.
    Granular,
    /// Items tracked by these keys; `atomic_items`: an item is owned whole.
    Keyed {
        /// The list map keys, in the order the API declares them.
        keys: &'static [&'static str],
        /// Whether an item is owned whole (owner references).
        atomic_items: bool,
    },
    /// Items tracked by value.
    Set,
}

/// The lists of containers, whose own `ports` are keyed by port and protocol.
const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

fn keyed(keys: &'static [&'static str]) -> Shape {
    Shape::Keyed {
        keys,
        atomic_items: false,
    }
}

/// How the field `key` of the object at `path` (the field names from the root, list
/// items left out) is tracked, in an object of `kind`.
pub fn shape(kind: &str, path: &[String], key: &str) -> Shape {
    let parent = path.last().map_or("", String::as_str);
    match key {
        "ownerReferences" if parent == "metadata" => Shape::Keyed {
            keys: &["uid"],
            atomic_items: true,
        },
        "finalizers" if parent == "metadata" => Shape::Set,
        // A Service's selector is a plain map; everywhere else a LabelSelector, atomic.
        "selector" if kind == "Service" && path.len() == 1 => Shape::Granular,
        "selector" | "involvedObject" | "regarding" | "related" | "targetRef" => Shape::Atomic,
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => keyed(&["name"]),
        "volumeMounts" if CONTAINER_LISTS.contains(&parent) => keyed(&["mountPath"]),
        "volumeDevices" => keyed(&["devicePath"]),
        "ports" if CONTAINER_LISTS.contains(&parent) => keyed(&["containerPort", "protocol"]),
        "ports" if kind == "Service" && parent == "spec" => keyed(&["port", "protocol"]),
        "conditions" if parent == "status" => keyed(&["type"]),
        "podIPs" | "hostAliases" => keyed(&["ip"]),
        "topologySpreadConstraints" => keyed(&["topologyKey", "whenUnsatisfiable"]),
        _ => Shape::Granular,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn fields_are_tracked_as_the_built_in_schemas_say() {
        let spec = path(&["spec"]);
        assert_eq!(shape("Deployment", &spec, "selector"), Shape::Atomic);
        assert_eq!(shape("Service", &spec, "selector"), Shape::Granular);
        assert_eq!(
            shape("Service", &spec, "ports"),
            keyed(&["port", "protocol"])
        );
        assert_eq!(
            shape("Pod", &path(&["spec", "containers"]), "ports"),
            keyed(&["containerPort", "protocol"])
        );
        assert_eq!(
            shape("Pod", &path(&["status"]), "conditions"),
            keyed(&["type"])
        );
        assert!(matches!(
            shape("Pod", &path(&["metadata"]), "ownerReferences"),
            Shape::Keyed {
                atomic_items: true,
                ..
            }
        ));
    }
}
