//! The controllers of the embedded cluster: Deployment, ReplicaSet, scheduler and kubelet, endpoints, events, garbage collection.
