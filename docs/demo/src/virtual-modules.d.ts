// The module the demo's Vite plugin (../sentiment-data.ts) generates at build time.
declare module 'virtual:tsgrad-sentiment' {
  /** The UCI Sentiment Labelled Sentences: label 0 negative, 1 positive. */
  const sentences: { text: string; label: number }[];
  export default sentences;
}
