import { CD31_BUDGETS, type BudgetReference } from '@cd31/domain';

/** A service of a Chorus Pro structure (`structures/v1/rechercher/services`). */
export interface ChorusService {
  readonly idService: number;
  readonly codeService: string;
  readonly libelleService: string;
  readonly estActif: boolean;
}

/** One of CD31's eight budgets as a Chorus Pro structure. */
export interface ChorusStructure {
  readonly idStructureCPP: number;
  /** The budget SIRET (`identifiantStructure`, `codeDestinataire`). */
  readonly siret: string;
  readonly designationStructure: string;
  readonly budget: BudgetReference;
  readonly services: readonly ChorusService[];
}

/** The default service every Chorus Pro structure has. */
export const DEFAULT_SERVICE_CODE = 'FACTURES_PUBLIQUES';

/**
 * Stable structure ids (independent of the seed, so that a test may hard-code them) and the
 * services of each budget. Service codes are unique across budgets except FACTURES_PUBLIQUES.
 */
const STRUCTURE_DEFINITIONS: Readonly<
  Record<
    string,
    { idStructureCPP: number; services: readonly (readonly [string, string, boolean?])[] }
  >
> = {
  '01': {
    idStructureCPP: 25784301,
    services: [
      ['DGD-ROUTES', 'Direction des routes'],
      ['DGD-BATIMENTS', 'Direction des bâtiments'],
      ['DSI', 'Direction des systèmes d’information'],
      ['DAC', 'Direction des arts vivants et visuels'],
      ['DEJ', 'Direction de l’éducation et de la jeunesse'],
      ['DAS', 'Direction des actions sociales'],
      ['DRH-ANCIEN', 'Ressources humaines (ancien code)', false],
    ],
  },
  '15': {
    idStructureCPP: 25784315,
    services: [
      ['REST-COLLEGES', 'Restauration des collèges'],
      ['REST-CUISINE', 'Cuisine centrale'],
    ],
  },
  '40': {
    idStructureCPP: 25784340,
    services: [
      ['ROGUET-ACCUEIL', 'Cité Roguet — accueil'],
      ['ROGUET-MAINT', 'Cité Roguet — maintenance'],
    ],
  },
  '42': {
    idStructureCPP: 25784342,
    services: [
      ['PT-ATELIER', 'Parc technique — ateliers'],
      ['PT-VEHICULES', 'Parc technique — véhicules'],
      ['PT-CARBURANT', 'Parc technique — carburants'],
    ],
  },
  '43': {
    idStructureCPP: 25784343,
    services: [
      ['LRD-ESSAIS', 'Laboratoire routier — essais'],
      ['LRD-CHANTIERS', 'Laboratoire routier — contrôles de chantier'],
    ],
  },
  '61': {
    idStructureCPP: 25784361,
    services: [
      ['PEP-PRODUCTION', 'Pépinières — production'],
      ['PEP-ESPACES-VERTS', 'Pépinières — espaces verts'],
    ],
  },
  '62': {
    idStructureCPP: 25784362,
    services: [
      ['EVA-EAU', 'Laboratoire — analyses d’eau'],
      ['EVA-AIR', 'Laboratoire — qualité de l’air'],
      ['EVA-ALIM', 'Laboratoire — hygiène alimentaire'],
    ],
  },
  '65': {
    idStructureCPP: 25784365,
    services: [
      ['TRANSP-SCOLAIRE', 'Transports scolaires'],
      ['TRANSP-LIGNES', 'Lignes régulières interurbaines'],
      ['TRANSP-ADAPTE', 'Transport adapté'],
    ],
  },
};

function buildStructures(): readonly ChorusStructure[] {
  return CD31_BUDGETS.map((budget, budgetIndex) => {
    const definition = STRUCTURE_DEFINITIONS[budget.code];
    if (!definition) {
      throw new Error(`No Chorus structure defined for budget ${budget.code}`);
    }
    const serviceBase = 7_310_000 + budgetIndex * 100;
    const services: ChorusService[] = [
      {
        idService: serviceBase,
        codeService: DEFAULT_SERVICE_CODE,
        libelleService: 'Factures publiques',
        estActif: true,
      },
      ...definition.services.map(([codeService, libelleService, estActif], j) => ({
        idService: serviceBase + j + 1,
        codeService,
        libelleService,
        estActif: estActif ?? true,
      })),
    ];
    return {
      idStructureCPP: definition.idStructureCPP,
      siret: budget.siret,
      designationStructure: `DEPARTEMENT DE LA HAUTE-GARONNE - ${budget.label.toUpperCase()}`,
      budget,
      services,
    };
  });
}

/** CD31's eight structures, in CD31_BUDGETS order (the "budget index" used across this library). */
export const CD31_STRUCTURES: readonly ChorusStructure[] = buildStructures();

/** Active services other than FACTURES_PUBLIQUES: the ones generated invoices and engagements use. */
export function orderingServices(structure: ChorusStructure): readonly ChorusService[] {
  return structure.services.filter((s) => s.estActif && s.codeService !== DEFAULT_SERVICE_CODE);
}

/** The Chorus Pro technical account the simulator expects in `cpro-account`. */
export interface TechnicalAccount {
  readonly login: string;
  readonly password: string;
  /** `informationGenerales.dateExpirationMotPasseCompteTech` of `structures/v1/consulter`. */
  readonly passwordExpiresAt: Date;
}

export const DEFAULT_TECHNICAL_LOGIN = 'TECH_1_CD31_SIM@cpro.fr';
export const DEFAULT_TECHNICAL_PASSWORD = 'Simulateur-CD31-2025!';
