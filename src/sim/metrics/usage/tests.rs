use serde_json::json;

use super::*;

const GIB: u64 = 1024 * MIB;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).unwrap()
}

fn spec(image: &str, resources: &Value) -> Value {
    json!({"name": "c", "image": image, "resources": resources})
}

fn usage(image: &str, resources: &Value, ran: i64) -> Usage {
    container_usage("uid-1", &spec(image, resources), at(0), at(ran), 16 * GIB)
}

#[test]
fn samples_fall_on_the_resolution() {
    let t = sample_time(at(100));
    assert_eq!(t.as_second() % RESOLUTION_SECS, 0);
    assert!(t <= at(100) && at(100).duration_since(t).as_secs() < RESOLUTION_SECS);
    assert_eq!(sample_time(t), t);
}

#[test]
fn use_follows_the_image_and_the_requests() {
    let none = json!({});
    let nginx = usage("nginx:1.14.1", &none, 60);
    let app = usage("registry.example/shop:2", &none, 60);
    let busybox = usage("busybox", &none, 60);
    assert!(nginx.cpu_nanos < app.cpu_nanos, "{nginx:?} {app:?}");
    assert!(nginx.memory_bytes < app.memory_bytes);
    assert!(busybox.cpu_nanos < nginx.cpu_nanos && busybox.memory_bytes < nginx.memory_bytes);
    // Twice the requests, about twice the use (within the noise).
    let small = usage(
        "shop:2",
        &json!({"requests": {"cpu": "100m", "memory": "100Mi"}}),
        60,
    );
    let big = usage(
        "shop:2",
        &json!({"requests": {"cpu": "200m", "memory": "200Mi"}}),
        60,
    );
    let ratio = |a: u64, b: u64| a as f64 / b as f64;
    assert!(
        (1.5..2.7).contains(&ratio(big.cpu_nanos, small.cpu_nanos)),
        "{small:?} {big:?}"
    );
    assert!((1.8..2.2).contains(&ratio(big.memory_bytes, small.memory_bytes)));
    // About a third of the CPU request and half the memory request.
    assert!(
        (20e6..40e6).contains(&(small.cpu_nanos as f64)),
        "{small:?}"
    );
    assert!((45.0..55.0).contains(&(small.memory_bytes as f64 / MIB as f64)));
    assert_eq!(small.memory_bytes % PAGE, 0, "memory in pages");
}

#[test]
fn noise_moves_the_use_between_samples_but_not_within_one() {
    let r = json!({"requests": {"cpu": "100m", "memory": "100Mi"}});
    let samples: Vec<Usage> = (0..8)
        .map(|i| usage("shop:2", &r, 60 + i * RESOLUTION_SECS))
        .collect();
    assert!(samples.windows(2).any(|w| w[0] != w[1]), "{samples:?}");
    let t = sample_time(at(600));
    let once = container_usage("uid-1", &spec("shop:2", &r), at(0), t, GIB);
    assert_eq!(
        once,
        container_usage("uid-1", &spec("shop:2", &r), at(0), t, GIB)
    );
}

#[test]
fn limits_cap_the_cpu_and_the_memory() {
    let r = json!({"requests": {"cpu": "300m", "memory": "64Mi"}, "limits": {"cpu": "50m", "memory": "16Mi"}});
    let u = usage("shop:2", &r, 60);
    assert_eq!(u.cpu_nanos, 50_000_000, "{u:?}");
    assert!(u.memory_bytes <= 16 * MIB, "{u:?}");
    // A limit alone is the request too, as the API server defaults it.
    let only_limits = Resources::of(&spec(
        "x",
        &json!({"limits": {"cpu": "1", "memory": "1Gi"}}),
    ));
    assert_eq!(only_limits.cpu_request, Some(1_000_000_000));
    assert_eq!(only_limits.memory_request, Some(GIB));
}

#[test]
fn leaky_images_grow_until_their_limit_then_are_killed() {
    let r = json!({"requests": {"memory": "32Mi"}, "limits": {"memory": "128Mi"}});
    let image = "nginx:leaky";
    let mems: Vec<u64> = (0..=LEAK_SECS / RESOLUTION_SECS)
        .map(|i| usage(image, &r, i * RESOLUTION_SECS).memory_bytes)
        .collect();
    assert!(
        mems.windows(2).all(|w| w[0] < w[1]),
        "always grows: {mems:?}"
    );
    assert!(mems[0] < 40 * MIB, "{mems:?}");
    assert_eq!(*mems.last().unwrap(), 128 * MIB, "full at the kill");
    let kill = leak_fills_at(&spec(image, &r), at(0)).unwrap();
    assert_eq!(kill, at(LEAK_SECS));
    assert_eq!(leak_fills_at(&spec("nginx:1.14.1", &r), at(0)), None);
    // Without a limit, the node's memory is the ceiling.
    let unbounded = usage(image, &json!({}), LEAK_SECS / 2);
    assert!(unbounded.memory_bytes > 4 * GIB, "{unbounded:?}");
    assert!(leaks("docker.io/library/nginx:leaky") && !leaks("nginx:spiky"));
}

#[test]
fn spiky_images_burst_one_sample_in_four() {
    let r = json!({"requests": {"cpu": "100m"}, "limits": {"cpu": "500m"}});
    let cpus: Vec<u64> = (0..16)
        .map(|i| usage("shop:spiky", &r, i * RESOLUTION_SECS).cpu_nanos)
        .collect();
    let bursts = cpus.iter().filter(|c| **c > 150_000_000).count();
    assert_eq!(bursts, 4, "{cpus:?}");
    assert!(cpus.iter().all(|c| *c <= 500_000_000));
}

#[test]
fn nodes_idle_at_their_overhead() {
    let u = node_overhead("kdeck-worker", at(0));
    let cpu = u.cpu_nanos as f64 / NODE_OVERHEAD.cpu_nanos as f64;
    assert!((0.84..1.16).contains(&cpu), "{u:?}");
    assert_ne!(
        node_overhead("kdeck-worker", at(0)),
        node_overhead("kdeck-worker2", at(0))
    );
}
