// A StreamingApp's metrics and JSON logs come from Observability; `import Service` brings them.
@_exported import Observability
