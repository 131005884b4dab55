/** Lets real macrotasks run until the condition holds (for tests that hold answers mid-flight). */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}
