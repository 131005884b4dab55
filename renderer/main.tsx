// First: configures zod before any schema is defined.
import './app/zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { registerServiceWorker } from './app/register-service-worker.ts';
import './app/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
registerServiceWorker();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
