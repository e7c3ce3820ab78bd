// @vitest-environment jsdom
// Two components writing the tree state into the URL before React renders again: neither write is lost.

import { act, render } from '@testing-library/react';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { useTreeUrlState } from './tree-url-state.ts';

type State = ReturnType<typeof useTreeUrlState>;

describe('the tree state in the URL', () => {
  it('keeps both of two writes made by different components before the next render', () => {
    const seen: { tree?: State; page?: State } = {};
    function Tree() {
      seen.tree = useTreeUrlState();
      return null;
    }
    function Page() {
      seen.page = useTreeUrlState();
      return null;
    }
    const router = createMemoryRouter(
      [
        {
          path: '/',
          element: (
            <>
              <Tree />
              <Page />
            </>
          ),
        },
      ],
      { initialEntries: ['/?open=lb.a'] },
    );
    render(<RouterProvider router={router} />);

    act(() => {
      // Both callers still hold the params of the same render.
      seen.tree!.setView('a', 'json');
      seen.page!.setParam('q', 'web');
    });
    const params = new URLSearchParams(router.state.location.search);
    expect(params.get('json')).toBe('a');
    expect(params.get('q')).toBe('web');
    expect(params.get('open')).toBe('lb.a');

    // After a navigation elsewhere, writes start from the new URL, not the old chain.
    act(() => void router.navigate('/?q=db'));
    act(() => seen.tree!.setExpanded('listener', 'b', true));
    const after = new URLSearchParams(router.state.location.search);
    expect(after.get('q')).toBe('db');
    expect(after.get('open')).toBe('ls.b');
    expect(after.get('json')).toBeNull();
  });
});
