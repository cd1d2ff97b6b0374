/** The Vite alias of vite.config.ts: nanogpt's BasicTrainer module (untyped here; nanogpt_handler.ts types its use). */
declare module 'nanogpt-basic-trainer' {
  const BasicTrainer: unknown;
  export default BasicTrainer;
}
