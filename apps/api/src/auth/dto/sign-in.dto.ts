import type { SignInRequest } from '@cd31/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class SignInBody implements SignInRequest {
  @ApiProperty({ example: 'agent@demo.cd31.fr' })
  @IsEmail({}, { message: "L'adresse e-mail est invalide." })
  @MaxLength(254, { message: "L'adresse e-mail est trop longue." })
  email!: string;

  @ApiProperty()
  @IsString({ message: 'Le mot de passe est obligatoire.' })
  @MinLength(1, { message: 'Le mot de passe est obligatoire.' })
  @MaxLength(256, { message: 'Le mot de passe est trop long.' })
  password!: string;
}
