/** Main-process log sink. Messages never carry PHI (see STYLE.md). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(`[tandem] ${message}`),
  warn: (message) => console.warn(`[tandem] ${message}`),
  error: (message) => console.error(`[tandem] ${message}`),
};
