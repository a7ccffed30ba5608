"""Activities: workshops, trainings, legal advice and the rest, with who benefited."""
