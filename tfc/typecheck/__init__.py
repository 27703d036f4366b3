"""The type subset checker behind the TFC4xx/TFC2xx checks: terms, conversion, subtyping."""
