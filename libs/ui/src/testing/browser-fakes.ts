/**
 * What jsdom lacks and chart.js / ag-grid need in unit tests: a 2D canvas context (chart.js
 * draws into it; nothing is asserted on pixels) and ResizeObserver.
 */
function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas };
  const noop = (): unknown => ({ addColorStop: () => undefined, data: [] });
  return new Proxy(state, {
    get(target, property) {
      if (property in target) {
        return target[property];
      }
      if (property === 'measureText') {
        return (text: string) => ({ width: text.length * 6 });
      }
      if (property === 'getLineDash') {
        return () => [];
      }
      return noop;
    },
    set(target, property, value) {
      target[property] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

class FakeResizeObserver {
  observe(): void {
    // Nothing resizes in jsdom.
  }
  unobserve(): void {
    // Nothing to stop observing.
  }
  disconnect(): void {
    // Nothing to disconnect.
  }
}

export function installBrowserFakes(): void {
  Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
    configurable: true,
    value: function getContext(this: HTMLCanvasElement, kind: string) {
      return kind === '2d' ? fakeContext(this) : null;
    },
  });
  if (!('ResizeObserver' in globalThis)) {
    Object.defineProperty(globalThis, 'ResizeObserver', {
      configurable: true,
      writable: true,
      value: FakeResizeObserver,
    });
  }
}
