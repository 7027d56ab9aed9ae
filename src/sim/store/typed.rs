//! Typed access to the store through k8s-openapi values (tests and scenarios).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Store;
use crate::sim::api_error::{ApiError, ApiResult};
use crate::sim::resources::{ResourceType, by_kind};

fn typed(group: &str, kind: &str) -> Option<&'static ResourceType> {
    by_kind(group, kind)
}

impl Store {
    /// Gets an object as a typed k8s-openapi value.
    pub fn get_as<K>(&self, namespace: &str, name: &str) -> Option<K>
    where
        K: k8s_openapi::Resource + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)?;
        self.get(rt, namespace, name)
            .and_then(|o| K::deserialize(&*o).ok())
    }

    /// Lists objects as typed k8s-openapi values.
    pub fn list_as<K>(&self, namespace: Option<&str>) -> Vec<K>
    where
        K: k8s_openapi::Resource + DeserializeOwned,
    {
        let Some(rt) = typed(K::GROUP, K::KIND) else {
            return Vec::new();
        };
        self.list(rt, namespace)
            .0
            .iter()
            .filter_map(|o| K::deserialize(&**o).ok())
            .collect()
    }

    /// Creates an object from a typed k8s-openapi value.
    pub fn create_as<K>(&self, obj: &K) -> ApiResult<K>
    where
        K: k8s_openapi::Resource + Serialize + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)
            .ok_or_else(|| ApiError::internal(format!("{} is not served", K::KIND)))?;
        let value = serde_json::to_value(obj).map_err(|e| ApiError::internal(e.to_string()))?;
        let created = self.create(rt, value)?;
        K::deserialize(&*created).map_err(|e| ApiError::internal(e.to_string()))
    }

    /// Atomically changes a typed object (no conflict check).
    pub fn modify_as<K>(&self, namespace: &str, name: &str, f: impl FnOnce(&mut K)) -> ApiResult<K>
    where
        K: k8s_openapi::Resource + Serialize + DeserializeOwned,
    {
        let rt = typed(K::GROUP, K::KIND)
            .ok_or_else(|| ApiError::internal(format!("{} is not served", K::KIND)))?;
        let out = self.modify(rt, namespace, name, |v| {
            let mut k = K::deserialize(&*v).map_err(|e| ApiError::internal(e.to_string()))?;
            f(&mut k);
            *v = serde_json::to_value(&k).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(())
        })?;
        K::deserialize(&*out).map_err(|e| ApiError::internal(e.to_string()))
    }
}
