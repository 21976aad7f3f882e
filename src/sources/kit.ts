/**
 * What ojco-dsar hands a company's own connector module: the same readers
 * and helpers the built-in connectors use, so that a module needs no
 * dependencies of its own. A module may export a connector object, or a
 * function that receives this kit and returns one (README, "Your own system").
 */
import { z } from 'zod';
import { SourceReadError } from '../errors.ts';
import { listSourceFiles, readHead, extOf } from '../io/files.ts';
import { readTable, ColumnMap, fieldsOf } from '../io/table.ts';
import { readLines } from '../io/lines.ts';
import { readJsonItems, readJsonDocument } from '../io/json.ts';
import { readXlsxRows } from '../io/xlsx.ts';
import { detectedFiles, readEachFile, headText } from './helpers.ts';
import { FieldClassificationSchema, withExtraFields, extraIdentifiers } from './classify.ts';
import { countryCode, phoneRegions } from '../core/identity/country.ts';

export const connectorKit = {
  z,
  SourceReadError,
  listSourceFiles,
  readHead,
  extOf,
  readTable,
  ColumnMap,
  fieldsOf,
  readLines,
  readJsonItems,
  readJsonDocument,
  readXlsxRows,
  detectedFiles,
  readEachFile,
  headText,
  FieldClassificationSchema,
  withExtraFields,
  extraIdentifiers,
  // A phone's region (RawIdentifier.region) from the country a record gives: names in many languages or codes.
  countryCode,
  phoneRegions,
};

export type ConnectorKit = typeof connectorKit;
