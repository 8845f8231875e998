"""Format readers (`extractors.readers`) and pure field/task extractors over the layout model."""
