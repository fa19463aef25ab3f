"""Measuring tools of the simulator, kept out of the product package: `induction-sim bench`
(what the data factory and the server promise, against a baseline measured in the same run),
`induction-sim load` (a server under many subscribers and a large job) and the HTTP probes both
use. They need the `tools` extra (`pip install -e 'backend[tools]'`, as `make test` does); the
server itself never imports them."""
