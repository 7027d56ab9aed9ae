//! How the Kubernetes API merges a list field of its objects: the `patchMergeKey` and
//! `patchStrategy` tags of the Go types (`x-kubernetes-patch-merge-key` in OpenAPI) for the
//! kinds kdeck shows. The embedded cluster's strategic merge patch and the editor's
//! re-apply after a conflict both read it, so the two merge lists the same way.

/// How a list field is merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// Elements are maps merged by this key (`containers` by `name`).
    MergeKey(&'static str),
    /// A list of scalars merged as a set (`finalizers`).
    PrimitiveMerge,
    /// The whole list is replaced.
    Replace,
}

const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// The strategy of list `field` found under the object path `path` (field names, no
/// indices: `["spec", "template", "spec", "containers"]` for a container's `env`).
pub fn list_strategy(path: &[String], field: &str) -> ListStrategy {
    let under_container = path.iter().any(|p| CONTAINER_LISTS.contains(&p.as_str()));
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => ListStrategy::MergeKey("name"),
        "ports" if under_container => ListStrategy::MergeKey("containerPort"),
        "ports" if path.last().is_some_and(|p| p == "spec") => ListStrategy::MergeKey("port"),
        "volumeMounts" => ListStrategy::MergeKey("mountPath"),
        "volumeDevices" => ListStrategy::MergeKey("devicePath"),
        "conditions" => ListStrategy::MergeKey("type"),
        "addresses" if path.last().is_some_and(|p| p == "status") => ListStrategy::MergeKey("type"),
        "ownerReferences" => ListStrategy::MergeKey("uid"),
        "hostAliases" => ListStrategy::MergeKey("ip"),
        "topologySpreadConstraints" => ListStrategy::MergeKey("topologyKey"),
        "finalizers" => ListStrategy::PrimitiveMerge,
        _ => ListStrategy::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn ports_merge_by_container_port_in_a_container_and_by_port_in_a_service() {
        let container = path(&["spec", "template", "spec", "containers"]);
        assert_eq!(
            list_strategy(&container, "ports"),
            ListStrategy::MergeKey("containerPort")
        );
        assert_eq!(
            list_strategy(&path(&["spec"]), "ports"),
            ListStrategy::MergeKey("port")
        );
        assert_eq!(
            list_strategy(&path(&["spec"]), "args"),
            ListStrategy::Replace
        );
    }
}
