//! Setting data up on a [`TestSim`] through its API server with kube-rs, for the tests
//! where kubectl is not what is tested: the same requests kubectl's commands send
//! (`create -f`, `run`, `set image`, `scale`, a patch), so the server admits, defaults and
//! validates them as it would kubectl's, but in-process and without kubectl installed.

use std::future::Future;
use std::panic::resume_unwind;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::GroupVersionKind;
use kube::discovery::Scope;
use serde::de::DeserializeOwned;
use serde::{Deserialize as _, Serialize};
use serde_json::{Value, json};

use super::{TestSim, test_timeout, wait_until};

/// The namespace the setup helpers write to (the kubeconfig's, as for kubectl).
const NS: &str = "default";

impl TestSim {
    /// Runs `f` with the admin's kube client on the cluster's runtime and returns what it
    /// gives. Unlike [`TestSim::block_on`] it may be called from an async test too: it
    /// blocks the calling thread, as running kubectl did.
    pub fn with_client<T, F, Fut>(&self, f: F) -> T
    where
        F: FnOnce(kube::Client) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let runtime = self
            .runtime
            .as_ref()
            .expect("the runtime lives as long as the TestSim");
        let task = runtime.spawn(f(self.client.clone()));
        match futures::executor::block_on(task) {
            Ok(value) => value,
            Err(e) if e.is_panic() => resume_unwind(e.into_panic()),
            Err(e) => panic!("the setup task did not finish: {e}"),
        }
    }

    /// Creates every object of a YAML text (documents separated by `---`), as
    /// `kubectl create -f` does: namespaced ones in their namespace, else `default`.
    pub fn create_yaml(&self, yaml: &str) {
        let objects: Vec<DynamicObject> = serde_yaml::Deserializer::from_str(yaml)
            .map(|doc| DynamicObject::deserialize(doc).expect("a Kubernetes object in YAML"))
            .collect();
        self.with_client(|client| async move {
            for object in objects {
                let types = object.types.clone().expect("apiVersion and kind");
                let gvk = GroupVersionKind::try_from(&types).expect("a valid apiVersion");
                let (resource, capabilities) = kube::discovery::pinned_kind(&client, &gvk)
                    .await
                    .unwrap_or_else(|e| panic!("the server serves no {gvk:?}: {e}"));
                let api: Api<DynamicObject> = match capabilities.scope {
                    Scope::Namespaced => {
                        let ns = object.metadata.namespace.as_deref().unwrap_or(NS);
                        Api::namespaced_with(client.clone(), ns, &resource)
                    }
                    Scope::Cluster => Api::all_with(client.clone(), &resource),
                };
                api.create(&PostParams::default(), &object)
                    .await
                    .unwrap_or_else(|e| panic!("cannot create {:?}: {e}", object.metadata.name));
            }
        });
    }

    /// A pod as `kubectl run NAME --image=IMAGE` makes it: label `run=NAME`, one container
    /// named after it.
    pub fn run_pod(&self, name: &str, image: &str) {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": NS, "labels": {"run": name}},
            "spec": {"containers": [{"name": name, "image": image}]}
        }))
        .expect("a valid pod");
        self.with_client(|client| async move {
            Api::<Pod>::namespaced(client, NS)
                .create(&PostParams::default(), &pod)
                .await
                .expect("create the pod");
        });
    }

    /// `kubectl set image deployment/NAME CONTAINER=IMAGE`: a strategic merge patch of
    /// the container.
    pub fn set_image(&self, deployment: &str, container: &str, image: &str) {
        self.patch::<Deployment>(
            deployment,
            &Patch::Strategic(json!({"spec": {"template": {"spec": {
                "containers": [{"name": container, "image": image}]
            }}}})),
        );
    }

    /// `kubectl scale deployment/NAME --replicas=N`: a patch of the scale subresource.
    pub fn scale_deployment(&self, name: &str, replicas: i32) {
        let name = name.to_owned();
        self.with_client(|client| async move {
            Api::<Deployment>::namespaced(client, NS)
                .patch_scale(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(json!({"spec": {"replicas": replicas}})),
                )
                .await
                .expect("scale the deployment");
        });
    }

    /// Patches the object `name` of kind `K` in `default` (`kubectl patch`, `annotate`,
    /// `rollout pause`, `set env` send such patches).
    pub fn patch<K>(&self, name: &str, patch: &Patch<Value>)
    where
        K: kube::Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + Clone
            + DeserializeOwned
            + Serialize
            + std::fmt::Debug
            + Send
            + 'static,
    {
        let (name, patch) = (name.to_owned(), patch.clone());
        self.with_client(|client| async move {
            Api::<K>::namespaced(client, NS)
                .patch(&name, &PatchParams::default(), &patch)
                .await
                .unwrap_or_else(|e| panic!("cannot patch {name}: {e}"));
        });
    }

    /// `kubectl delete pod NAME --wait=false`.
    pub fn delete_pod(&self, name: &str) {
        let name = name.to_owned();
        self.with_client(|client| async move {
            Api::<Pod>::namespaced(client, NS)
                .delete(&name, &DeleteParams::default())
                .await
                .expect("delete the pod");
        });
    }

    /// Waits until a Deployment's rollout is complete, as `kubectl rollout status` does:
    /// its generation observed and every replica updated and available.
    pub fn wait_rollout_complete(&self, name: &str) {
        wait_until(
            test_timeout(),
            &format!("{name}'s rollout to complete"),
            || {
                let Some(d) = self.store().get_as::<Deployment>(NS, name) else {
                    return false;
                };
                let wanted = d.spec.and_then(|s| s.replicas).unwrap_or(1);
                let status = d.status.unwrap_or_default();
                status.observed_generation >= d.metadata.generation
                    && status.updated_replicas == Some(wanted)
                    && status.replicas == Some(wanted)
                    && status.available_replicas == Some(wanted)
            },
        );
    }
}
