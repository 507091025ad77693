// FRGConfig: YAML run configurations and their validation.
