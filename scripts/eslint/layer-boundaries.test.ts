import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'tandem/layer-boundaries')
    .map((m) => m.message);
}

describe('layer boundaries (ARCHITECTURE.md, Layers)', () => {
  it('refuses shared code importing from the renderer', async () => {
    const errors = await layerErrors(
      'shared/domain/example.ts',
      "import { App } from '../../renderer/app/App.tsx';\nexport const x = App;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Layer 'shared' may not import from 'renderer/app/App.tsx'");
  });

  it('refuses Node built-ins in shared code', async () => {
    const errors = await layerErrors(
      'shared/sync/example.ts',
      "import fs from 'node:fs';\nexport const x = fs;\n",
    );
    expect(errors[0]).toContain("may not import the Node built-in 'node:fs'");
  });

  it('refuses the backend importing shared code other than api and domain', async () => {
    const errors = await layerErrors(
      'backend/src/example.ts',
      "import { x } from '../../shared/sync/engine.ts';\nexport const y = x;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('refuses the renderer importing Electron or the backend', async () => {
    const errors = await layerErrors(
      'renderer/app/example.ts',
      "import { app } from 'electron';\nimport { y } from '../../backend/src/main.ts';\nexport const z = [app, y];\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('allows what the table allows', async () => {
    expect(
      await layerErrors(
        'backend/src/example.ts',
        "import { User } from '../../shared/api/contract.ts';\nimport fs from 'node:fs';\nexport const z = [User, fs];\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        'electron/main/example.ts',
        "import { IpcChannel } from '../../shared/ipc/host-bridge.ts';\nexport const z = IpcChannel;\n",
      ),
    ).toEqual([]);
  });
});
