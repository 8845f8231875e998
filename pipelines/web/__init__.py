"""The review workspace in the browser (`congvan serve`): FastAPI + Jinja2, Vietnamese pages."""
