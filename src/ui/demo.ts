/**
 * Where the shipped demo set lives, relative to the page (public/demo/ is copied to dist/demo/ by Vite).
 * The one constant to change if the demo moves.
 */
export const DEMO_SET_URL = 'demo/demo.safetensors';
