import { userMessage } from './user-message.ts';

/** A readable error in place of content that could not be shown. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-notice" role="alert">
      <p>{userMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
