/** Entry point: sign in when Entra ID is configured, then render the studio. */
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { startAuth } from './services/auth';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
startAuth()
  .then((auth) => root.render(<App auth={auth} />))
  .catch((err: Error) =>
    root.render(
      <div className="state error" role="alert">
        <h1>The studio could not start</h1>
        <p>{err.message}</p>
      </div>,
    ),
  );
