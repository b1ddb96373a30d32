"""Tools around the service: the demo content, synthetic stories for benchmarks, the export."""
