"""Operations tooling: the scale-out topology harness (ops/topology.py), the scale test
(ops/scale_test.py) and the WebSocket client they share (ops/wsclient.py).

Nothing here is imported by the application; it drives the application from outside,
as an operator's machine would (docs/operations.md, "Scale-out topology").
"""
