// `import Streaming` is all a pipeline author needs.
@_exported import Columnar
@_exported import Formats
@_exported import Operators
@_exported import Sinks
@_exported import Delta
@_exported import State
