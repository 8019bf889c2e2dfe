import { luhnValid, withLuhnCheckDigit } from '@cd31/domain';
import { Prng } from './prng';

/** A supplier invoicing CD31 through Chorus Pro. */
export interface Supplier {
  readonly index: number;
  readonly siret: string;
  readonly name: string;
  /** How this supplier numbers its invoices (see `formatInvoiceNumber`). */
  readonly numberingStyle: number;
}

const FAMILY_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Garcia',
  'Martinez',
  'Lopez',
  'Fabre',
  'Roux',
  'Fournier',
  'Bonnet',
  'Lambert',
  'Fontaine',
  'Rouquette',
  'Castagné',
  'Sabatier',
  'Delmas',
  'Cazeneuve',
  'Vidal',
  'Laporte',
  'Marty',
  'Barthe',
  'Soulé',
  'Pujol',
  'Azéma',
  'Carrère',
  'Dupuy',
  'Fourcade',
  'Ribes',
  'Lacaze',
  'Espinasse',
  'Bousquet',
  'Cassagne',
  'Mercadier',
  'Roussel',
  'Gimenez',
  'Sanchez',
  'Pereira',
  'Da Silva',
  'Nguyen',
  'Lefèvre',
  'Mauri',
  'Estrade',
  'Baylac',
  'Sarrat',
];

const PLACES = [
  'Toulouse',
  'Muret',
  'Saint-Gaudens',
  'Blagnac',
  'Colomiers',
  'Balma',
  'Revel',
  'Carbonne',
  'Cazères',
  'Luchon',
  'Montréjeau',
  'Castanet',
  'Tournefeuille',
  'Ramonville',
  'Portet',
  'Fronton',
  'Grenade',
  'Auterive',
  'Villefranche',
  'Léguevin',
  'l’Union',
  'Aspet',
  'Salies',
];

const REGIONS = [
  'Garonne',
  'Comminges',
  'Lauragais',
  'Pyrénées',
  'Occitanie',
  'Midi',
  'Volvestre',
  'Savès',
  'Frontonnais',
];

/** The same regions with their French article, for "Espaces Verts du Comminges". */
const REGIONS_WITH_ARTICLE = [
  'de la Garonne',
  'du Comminges',
  'du Lauragais',
  'des Pyrénées',
  'd’Occitanie',
  'du Midi',
  'du Volvestre',
  'du Savès',
  'du Frontonnais',
];

const ACTIVITIES = [
  'Travaux Publics',
  'Bâtiment',
  'Espaces Verts',
  'Fournitures de Bureau',
  'Informatique',
  'Nettoyage',
  'Transports',
  'Électricité',
  'Plomberie Chauffage',
  'Signalisation',
  'Imprimerie',
  'Carburants',
  'Restauration Collective',
  'Maçonnerie',
  'Menuiserie',
  'Peinture',
  'Serrurerie',
  'Enrobés',
  'Terrassement',
  'Ascenseurs',
  'Sécurité',
  'Conseil',
  'Formation',
  'Télécoms',
  'Mobilier',
  'Élagage',
  'Analyses Environnement',
  'Produits Alimentaires',
  'Pneumatiques',
  'Location de Matériel',
  'Autocars',
  'Jardinerie',
  'Géomètres',
  'Architecture',
  'Reprographie',
];

const FORMS = ['SAS', 'SARL', 'SA', 'EURL', 'SCOP', 'SNC', ''];

const ACRONYMS = [
  'SOTRAP',
  'SMTP',
  'COLAS SUD',
  'EIFFEL',
  'SOGEC',
  'TPSO',
  'STPG',
  'SEGEX',
  'MIDIVERT',
  'OCTP',
];

/** Names that stress CSV writers and readers: quotes, semicolons, commas, apostrophes. */
const AWKWARD_NAMES = [
  'Boulangerie "Au Bon Pain"',
  'Dupont; Fils et Cie',
  'L’Atelier du Livre, Toulouse',
  'Société d\'Économie Mixte "Garonne Aménagement"',
];

function siren(prng: Prng, taken: Set<string>): string {
  for (;;) {
    // First digit 3–8: private companies; never 2 (CD31's own SIREN starts with 2).
    const eight = `${prng.intBetween(3, 8)}${prng.digits(7)}`;
    for (let d = 0; d <= 9; d++) {
      const candidate = `${eight}${d}`;
      if (luhnValid(candidate) && !taken.has(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  }
}

/** `count` suppliers with unique names and valid (Luhn) SIRETs — SIREN and SIRET both check. */
export function generateSuppliers(seed: number, count: number): readonly Supplier[] {
  const prng = Prng.for(seed, 0, 101);
  const sirens = new Set<string>();
  const names = new Set<string>();
  const suppliers: Supplier[] = [];
  for (let index = 0; index < count; index++) {
    let name = '';
    if (index % 97 === 13 && index / 97 < AWKWARD_NAMES.length) {
      name = AWKWARD_NAMES[Math.floor(index / 97)] ?? '';
    }
    while (name === '' || names.has(name)) {
      name = supplierName(prng);
    }
    names.add(name);
    const nic = prng.digits(4);
    const siret = withLuhnCheckDigit(`${siren(prng, sirens)}${nic}`);
    suppliers.push({ index, siret, name, numberingStyle: prng.int(NUMBERING_STYLES) });
  }
  return suppliers;
}

function supplierName(prng: Prng): string {
  const form = prng.pick(FORMS);
  const withForm = (base: string): string => (form === '' ? base : `${base} ${form}`);
  switch (prng.int(6)) {
    case 0:
      return withForm(`${prng.pick(FAMILY_NAMES)} ${prng.pick(ACTIVITIES)}`);
    case 1:
      return withForm(`${prng.pick(ACTIVITIES)} ${prng.pick(REGIONS_WITH_ARTICLE)}`);
    case 2:
      return withForm(`${prng.pick(ACRONYMS)} ${prng.pick(PLACES)}`);
    case 3:
      return `Établissements ${prng.pick(FAMILY_NAMES)} et Fils`;
    case 4:
      return withForm(
        `${prng.pick(ACTIVITIES)} ${prng.pick(FAMILY_NAMES)}-${prng.pick(FAMILY_NAMES)}`,
      );
    default:
      return withForm(`${prng.pick(REGIONS)} ${prng.pick(ACTIVITIES)} ${prng.pick(PLACES)}`);
  }
}

const NUMBERING_STYLES = 6;

/**
 * A supplier invoice number. `serial` is unique per invoice of the dataset, so two invoices of
 * one supplier never share a number unless the generator plants a duplicate on purpose.
 */
export function formatInvoiceNumber(style: number, year: number, serial: number): string {
  switch (style) {
    case 0:
      return `FA${year}-${String(serial).padStart(6, '0')}`;
    case 1:
      return `F${String(year).slice(2)}${String(serial).padStart(6, '0')}`;
    case 2:
      return `${year}/${String(serial).padStart(6, '0')}`;
    case 3:
      return `FAC-${String(serial).padStart(7, '0')}`;
    case 4:
      return `${String(serial).padStart(8, '0')}`;
    default:
      return `INV${year}${String(serial).padStart(6, '0')}`;
  }
}
