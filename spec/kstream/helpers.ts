import { catchError, throwError, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Replaces an error notification by the string `<name>: <message>`, so a marble diagram can say
 * which error a topology raised and where (the message names processor, topic, partition, offset).
 */
export function errorText<T>(): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => throwError(() => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))));
}
