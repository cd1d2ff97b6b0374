import path from 'node:path';

/** The Hugging Face venv's Python (torch 2.x, transformers, safetensors), made by `npm test`'s prerequisite step. */
export const VENV_PYTHON = path.resolve('.venv-hf/bin/python');
