"""HTTP: the ca_apis routes, their shared pipeline, errors, OpenAPI and docs."""
