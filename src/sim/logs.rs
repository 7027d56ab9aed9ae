//! Container logs of the embedded cluster: what each simulated container writes, kept for the `/log` subresource.
