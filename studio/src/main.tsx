/** Entry point: find the API (deploy config), sign in when Entra ID is configured, then render the studio. */
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { startAuth } from './services/auth';
import { applyDeployConfig } from './services/deploy-config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
applyDeployConfig()
  .then(() => startAuth())
  .then((auth) => root.render(<App auth={auth} />))
  .catch((err: Error) =>
    root.render(
      <div className="state error" role="alert">
        <h1>The studio could not start</h1>
        <p>{err.message}</p>
      </div>,
    ),
  );
