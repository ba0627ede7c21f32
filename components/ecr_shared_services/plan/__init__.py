"""Running the project's stack programs offline under Pulumi's mock runtime, and reporting on them."""
